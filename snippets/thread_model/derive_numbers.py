"""Every output shape and parameter count of the thread's model, derived by hand."""

from forum_model import model  # the model of the snippet above
from tensorflow import keras

layers = keras.layers

shape = (150, 150, 3)  # what the first layer receives: height, width, channels
total, agree = 0, True
print(f"{'layer':<16}{'output shape':<22}{'why':<18}{'params':>10}  {'why':<18}{'Keras':>10}")
for layer in model.layers:
    if isinstance(layer, layers.Conv2D):  # 'valid' padding, stride 1: n - k + 1
        (h, w, c), k, f = shape, layer.kernel_size[0], layer.filters
        shape, why_shape = (h - k + 1, w - k + 1, f), f"{h} - {k} + 1"
        params, why_params = k * k * c * f + f, f"{k}*{k}*{c}*{f} + {f}"
    elif isinstance(layer, layers.MaxPooling2D):  # 2x2 blocks: floor(n / 2)
        (h, w, c) = shape
        shape, why_shape = (h // 2, w // 2, c), f"floor({h} / 2)"
        params, why_params = 0, ""
    elif isinstance(layer, layers.Flatten):  # one long vector
        shape, why_shape = (shape[0] * shape[1] * shape[2],), "*".join(map(str, shape))
        params, why_params = 0, ""
    elif isinstance(layer, layers.Dense):  # one weight per (input, unit), one bias per unit
        (n,), units = shape, layer.units
        shape, why_shape = (units,), f"units={units}"
        params, why_params = n * units + units, f"{n:,}*{units} + {units}"
    else:
        raise TypeError(f"no rule for {layer.name}")
    agree &= (None, *shape) == tuple(layer.output.shape) and params == layer.count_params()
    total += params
    print(
        f"{layer.name:<16}{(None, *shape)!s:<22}{why_shape:<18}"
        f"{params:>10,}  {why_params:<18}{layer.count_params():>10,}"
    )
print(f"{'total':<56}{total:>10,}  {'':<18}{model.count_params():>10,}")
print("every shape and count equals Keras':", agree)

# Named, for the sentences under this example: the counts Keras reports.
first_conv, second_conv, third_conv = (
    layer.count_params() for layer in model.layers if isinstance(layer, layers.Conv2D)
)
dense, output = (layer.count_params() for layer in model.layers if isinstance(layer, layers.Dense))
flattened = model.layers[6].output.shape[-1]
first_side = model.layers[0].output.shape[1]  # the first Conv2D's height and width
last_side = model.layers[5].output.shape[1]  # what Flatten receives, per side

"""The thread's example: 28x28 images with one channel, two Conv2D(32, 3), a pooling between."""

from tensorflow import keras

model = keras.Sequential(
    [
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D(2, 2),  # pool_size=2, strides=2
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
    ]
)
print(f"{'layer':<16}{'input shape':<22}{'output shape':<22}{'params':>6}")
for layer in model.layers:
    shapes = f"{tuple(layer.input.shape)!s:<22}{tuple(layer.output.shape)!s:<22}"
    print(f"{layer.name:<16}{shapes}{layer.count_params():>6,}")
conv = model.layers[2]
kh, kw, channels, filters = conv.get_weights()[0].shape
print(f"second Conv2D: {kh}*{kw}*{channels}*{filters} + {filters} = {conv.count_params():,}")
# Named, for the sentences under the run.
first_params, second_params = model.layers[0].count_params(), conv.count_params()
pooled_side, second_side = conv.input.shape[1], conv.output.shape[1]
pool = model.layers[1]
print("MaxPooling2D(2, 2): pool_size =", pool.pool_size, " strides =", pool.strides)

"""The output-size formula against Keras' compute_output_shape, over a grid of settings.

compute_output_shape is what Keras itself uses to size a layer's output (model.summary()
prints it); the tests also run the layers on data (tests/test_output_size.py).
"""

from sizes import output_size
from tensorflow import keras

largest_input, largest_window, largest_stride = 16, 5, 3
checked = disagree = 0
for n in range(1, largest_input + 1):  # input height (and width)
    for k in range(1, min(n, largest_window) + 1):  # kernel or pool size, at most the input
        for s in range(1, largest_stride + 1):  # strides
            for padding in ("valid", "same"):
                for layer in (
                    keras.layers.Conv2D(1, k, strides=s, padding=padding),
                    keras.layers.MaxPooling2D(k, strides=s, padding=padding),
                ):
                    keras_size = tuple(layer.compute_output_shape((1, n, n, 1)))[1]
                    checked += 1
                    disagree += keras_size != output_size(n, k, s, padding)
print("settings checked with compute_output_shape:", checked, " disagreements:", disagree)
print("examples (input n, window k, stride s, padding): output size")
sizes = {
    (n, k, s, padding): output_size(n, k, s, padding)
    for n, k, s, padding in [
        (150, 3, 1, "valid"),  # the thread's first Conv2D
        (148, 2, 2, "valid"),  # its first MaxPooling2D(2, 2)
        (13, 3, 1, "valid"),  # the thread's second Conv2D, on 13 x 13
        (28, 3, 2, "same"),
        (32, 5, 2, "valid"),
        (32, 5, 2, "same"),
    ]
}
for (n, k, s, padding), size in sizes.items():
    print(f"  n={n}, k={k}, s={s}, {padding}: {size}")
second_conv_side = sizes[13, 3, 1, "valid"]  # named for the sentence at the top of the page

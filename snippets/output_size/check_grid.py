"""The output-size formula against Keras' own Conv2D and MaxPooling2D, over a grid."""

from sizes import output_size
from tensorflow import keras

checked = disagree = 0
for n in range(1, 17):  # input height (and width)
    for k in range(1, min(n, 5) + 1):  # kernel or pool size, at most the input
        for s in (1, 2, 3):  # strides
            for padding in ("valid", "same"):
                for layer in (
                    keras.layers.Conv2D(1, k, strides=s, padding=padding),
                    keras.layers.MaxPooling2D(k, strides=s, padding=padding),
                ):
                    keras_size = tuple(layer.compute_output_shape((1, n, n, 1)))[1]
                    checked += 1
                    disagree += keras_size != output_size(n, k, s, padding)
print("settings checked:", checked, " disagreements:", disagree)
for n, k, s, padding in [(150, 3, 1, "valid"), (148, 2, 2, "valid"), (28, 3, 2, "same")]:
    print(f"n={n}, k={k}, s={s}, {padding}: {output_size(n, k, s, padding)}")

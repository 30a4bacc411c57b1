"""MaxPooling2D(2) on a (26, 26, 32) input: its output shape and its weights."""

from tensorflow import keras

pool = keras.layers.MaxPooling2D(2)
pool.build((None, 26, 26, 32))
output_shape = tuple(pool.compute_output_shape((None, 26, 26, 32)))
print("output:", output_shape, end=", ")
print("weights:", pool.count_params())

"""Conv2D(32, 1) on a 56 x 56 x 128 input: parameters and multiply-adds."""

from tensorflow import keras

layer = keras.layers.Conv2D(32, 1)
layer.build((None, 56, 56, 128))
_, h, w, filters = layer.compute_output_shape((None, 56, 56, 128))
parameters, multiply_adds = layer.count_params(), h * w * filters * 1 * 1 * 128
print("parameters:", f"{parameters:,}", end=", ")
print("multiply-adds:", f"{multiply_adds:,}", "= 56*56*32 outputs x 1*1*128")

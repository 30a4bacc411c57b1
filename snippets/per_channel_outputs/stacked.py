"""1 channel -> Conv2D with 4 filters -> SharedKernelConv2D with 4 filters -> 16 channels."""

import keras
from shared_conv import SharedKernelConv2D

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu"),  # 4 maps of the one input channel
        SharedKernelConv2D(4, 3, activation="relu"),  # the same 4 filters on each of them
    ]
)
model.summary()
first_params, shared_params = (layer.count_params() for layer in model.layers)

# For contrast: DepthwiseConv2D in the second place, a set of slices per channel.
depthwise = keras.layers.DepthwiseConv2D(3, depth_multiplier=4)
depthwise.build((None, 26, 26, 4))
print("DepthwiseConv2D(3, depth_multiplier=4) on (None, 26, 26, 4):")
depthwise_params = depthwise.count_params()
print("  output", depthwise.compute_output_shape((None, 26, 26, 4)), end=", ")
print(depthwise_params, "parameters")

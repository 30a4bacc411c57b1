"""SeparableConv2D = DepthwiseConv2D (no bias), then a 1x1 Conv2D that mixes the channels."""

import numpy as np
from tensorflow import keras

C, F = 8, 16
x = np.random.default_rng(0).normal(size=(2, 10, 10, C)).astype("float32")

separable = keras.layers.SeparableConv2D(F, 3)
separable.build(x.shape)
depthwise_kernel, pointwise_kernel, bias = separable.get_weights()
print("depthwise kernel:", depthwise_kernel.shape, " pointwise kernel:", pointwise_kernel.shape)

depthwise = keras.layers.DepthwiseConv2D(3, use_bias=False)  # one 3x3 slice per channel
depthwise.build(x.shape)
depthwise.set_weights([depthwise_kernel])
pointwise = keras.layers.Conv2D(F, 1)  # mixes the C maps: a Dense per pixel
pointwise.build((None, 8, 8, C))
pointwise.set_weights([pointwise_kernel, bias])

two_steps = np.asarray(pointwise(depthwise(x)))
print("equal:", np.allclose(np.asarray(separable(x)), two_steps, atol=1e-5))
separable_params, conv_params = separable.count_params(), 3 * 3 * C * F + F
print("parameters: SeparableConv2D", separable_params, end=", ")
print("Conv2D(16, 3)", conv_params, "= 3*3*C*F + F")

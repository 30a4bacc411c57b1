"""Conv2D(8, 1) on a 32 x 32 x 3 image: the same height and width, 8 channels."""

from tensorflow import keras

model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(8, 1)])
output_shape, parameters = model.output_shape, model.count_params()
print("output:", output_shape, end=", ")
print(parameters, "parameters = 3*8 + 8")

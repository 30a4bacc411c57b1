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
for layer in model.layers:
    print(f"{layer.name:<16}{tuple(layer.output.shape)}")
pool = model.layers[1]
print("MaxPooling2D(2, 2): pool_size =", pool.pool_size, " strides =", pool.strides)

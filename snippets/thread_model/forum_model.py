"""The thread's model: three Conv2D + MaxPooling2D blocks on 150x150 RGB images, then Dense."""

from tensorflow import keras

layers = keras.layers

model = keras.Sequential(
    [
        keras.Input((150, 150, 3)),
        layers.Conv2D(16, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)

if __name__ == "__main__":  # run as a script; importing it just builds the model
    model.summary()

    # The kernels of the three Conv2D layers: (height, width, input channels, filters).
    first_kernel, second_kernel, third_kernel = (
        model.layers[i].get_weights()[0].shape for i in (0, 2, 4)
    )
    print(first_kernel)
    print(second_kernel)
    print(third_kernel)

"""The thread's model with GlobalAveragePooling2D in place of Flatten: its Dense shrinks."""

from forum_model import model as with_flatten  # the model of the first snippet
from tensorflow import keras

layers = keras.layers
with_pooling = keras.Sequential(
    [
        keras.Input((150, 150, 3)),
        layers.Conv2D(16, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.GlobalAveragePooling2D(),  # the average of each of the 64 maps
        layers.Dense(512, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
for model in (with_flatten, with_pooling):
    reshape, dense = model.layers[6], model.layers[7]
    print(
        f"{type(reshape).__name__}: {tuple(reshape.input.shape)} -> {tuple(reshape.output.shape)}"
    )
    print(
        f"  first Dense: {dense.count_params():>9,} parameters; model: {model.count_params():>9,}"
    )
saved = with_flatten.count_params() - with_pooling.count_params()
print(f"parameters saved: {saved:,}")

# Named, for the short answer above the run.
flattened, pooled = with_flatten.layers[7].input.shape[-1], with_pooling.layers[7].input.shape[-1]
dense_flatten, dense_pooling = (m.layers[7].count_params() for m in (with_flatten, with_pooling))
total_flatten, total_pooling = with_flatten.count_params(), with_pooling.count_params()

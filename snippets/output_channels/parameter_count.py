"""Conv2D parameters: kh * kw * in_channels * filters weights, plus one bias per filter."""

from tensorflow import keras

layers = keras.layers

model = keras.Sequential(
    [
        keras.Input((32, 32, 3)),
        layers.Conv2D(8, (3, 3)),
        layers.Conv2D(16, (5, 5)),
        layers.Conv2D(4, (1, 1)),
        layers.Conv2D(10, (1, 7)),
    ]
)

print("layer      kernel  in  filters   kh*kw*in*filters + filters    count_params()")
for layer in model.layers:
    kh, kw, in_channels, filters = layer.kernel.shape
    formula = kh * kw * in_channels * filters + filters
    worked = f"{kh}*{kw}*{in_channels}*{filters} + {filters} = {formula}"
    size, params = f"{kh}x{kw}", layer.count_params()
    print(f"{layer.name:<10}{size:>7}{in_channels:>4}{filters:>9}   {worked:<30}{params}")

"""1x1 convolutions as a bottleneck: squeeze the channels, look around, expand again."""

from tensorflow import keras

layers = keras.layers


def cost(model: keras.Sequential) -> tuple[int, int]:
    """Print each Conv2D's parameters and multiply-adds (h*w*filters outputs x kh*kw*C_in)."""
    total_params = total_macs = 0
    for layer in model.layers:
        (_, h, w, filters), (kh, kw, c, _) = layer.output.shape, layer.kernel.shape
        macs = h * w * filters * kh * kw * c
        total_params, total_macs = total_params + layer.count_params(), total_macs + macs
        window = f"{kh}x{kw}  {c:>3} -> {filters:<3}"
        print(f"  {layer.name:<10}{window:<17}{layer.count_params():>10,}{macs:>15,}")
    print(f"  {'total':<27}{total_params:>10,}{total_macs:>15,}")
    return total_params, total_macs


direct = keras.Sequential(
    [keras.Input((28, 28, 256)), layers.Conv2D(256, 3, padding="same", name="direct")]
)
bottleneck = keras.Sequential(
    [
        keras.Input((28, 28, 256)),
        layers.Conv2D(64, 1, name="squeeze"),  # 256 channels -> 64
        layers.Conv2D(64, 3, padding="same", name="look"),  # the 3x3 work, on 64 channels
        layers.Conv2D(256, 1, name="expand"),  # 64 -> 256 again
    ]
)
print("on a 28x28x256 input:")
print(f"  {'layer':<10}{'window, channels':<17}{'params':>10}{'multiply-adds':>15}")
print("one 3x3 Conv2D(256):")
direct_cost = cost(direct)
print("1x1 squeeze, 3x3, 1x1 expand:")
bottleneck_cost = cost(bottleneck)
fewer_params = direct_cost[0] / bottleneck_cost[0]
fewer_macs = direct_cost[1] / bottleneck_cost[1]
print(
    f"the bottleneck: {fewer_params:.1f} times fewer parameters,"
    f" {fewer_macs:.1f} times fewer multiply-adds"
)

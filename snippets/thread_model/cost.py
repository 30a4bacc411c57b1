"""Multiply-adds of every layer of the thread's model, for one 150x150x3 image."""

from forum_model import model
from tensorflow import keras

total = 0
print(f"{'layer':<16}{'output shape':<22}{'multiply-adds':>15}  why")
for layer in model.layers:
    shape = tuple(layer.output.shape)
    if isinstance(layer, keras.layers.Conv2D):  # each output value: kh*kw*C_in products
        (_, h, w, f), (kh, kw, c, _) = shape, layer.get_weights()[0].shape
        macs, why = h * w * f * kh * kw * c, f"{h}*{w}*{f} outputs x {kh}*{kw}*{c}"
    elif isinstance(layer, keras.layers.Dense):  # each unit: one product per input
        n, units = layer.get_weights()[0].shape
        macs, why = n * units, f"{units} outputs x {n}"
    else:  # pooling compares, Flatten moves: no multiplications
        macs, why = 0, ""
    total += macs
    print(f"{layer.name:<16}{shape!s:<22}{macs:>15,}  {why}".rstrip())
print(f"{'total':<38}{total:>15,}")

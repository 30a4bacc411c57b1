/* Keras 3's rules for the calculator's layers, as data: for each layer type its address
 * key, fields and their defaults, the input rank it needs, which errors Keras raises
 * when it is created, and its step: output shape, parameters, multiply-adds and how one of
 * its outputs reaches back into its input (for the receptive field).
 *
 * A model is {input, format: "channels_last" | "channels_first", layers}: the input is a
 * sequence [length, channels], an image [height, width, channels] or a volume
 * [depth, height, width, channels] (channels first with "channels_first"); each layer {type, ...Keras' arguments}. Errors are worded in calculator-errors.js.
 */
window.calculatorLayers = (() => {
  "use strict";

  const ERRORS = window.calculatorErrors;

  /* Each field: its Keras argument, its token in the address, its kind and least value.
   * A token is letters then a value (k3, pad1x2) or, for a choice, the bare value. A
   * "sides" field has one value per axis the layer slides along (its type's `sides`). */
  const FIELDS = {
    filters: { arg: "filters", token: "f", kind: "int", least: 1 },
    units: { arg: "units", token: "u", kind: "int", least: 1 },
    depth_multiplier: { arg: "depth_multiplier", token: "m", kind: "int", least: 1, plain: 1 },
    groups: { arg: "groups", token: "g", kind: "int", least: 1, plain: 1 },
    kernel_size: { arg: "kernel_size", token: "k", kind: "sides", least: 1 },
    pool_size: { arg: "pool_size", token: "p", kind: "sides", least: 1 },
    strides: { arg: "strides", token: "s", kind: "sides", least: 1, plain: 1 },
    dilation_rate: { arg: "dilation_rate", token: "d", kind: "sides", least: 1, plain: 1 },
    zero_padding: { arg: "padding", token: "pad", kind: "sides", least: 0, plain: 1 },
    size: { arg: "size", token: "up", kind: "sides", least: 1, plain: 2 },
    rate: { arg: "rate", token: "r", kind: "fraction", plain: 0.5 },
    target_shape: { arg: "target_shape", token: "t", kind: "shape", least: 1, plain: [-1] },
    padding: { arg: "padding", kind: "choice", choices: ["valid", "same", "causal"], plain: "valid" },
    activation: {
      arg: "activation",
      kind: "choice",
      choices: ["relu", "sigmoid", "tanh", "softmax", "linear"],
      plain: "relu",
    },
    use_bias: { arg: "use_bias", kind: "flag", plain: true, off: "nobias" },
    keepdims: { arg: "keepdims", kind: "flag", plain: false, on: "keepdims" },
  };

  const WINDOW = ["kernel_size", "strides", "dilation_rate", "padding"];
  const POOL = ["pool_size", "strides", "padding"];

  /* Each layer type. `rank`: the input rank it needs, batch aside (3: an image), and how
   * Keras checks it: "exact" (ndim) or "least" (min_ndim, then the kernel's length);
   * `sides`: the axes it slides along (2 unless said); `created`: errors Keras raises in
   * the constructor, before it sees an input, in Keras' order; `called`: errors it raises
   * when called, once the input's rank is right; `choices`: a choice field's values where
   * the type takes fewer than the field lists; `format`: the data_format of a layer Keras
   * gives none. */

  /** The 1-D, 2-D and 3-D forms of a Keras layer (NAME1D...), 2-D first: each keyed in the
   * address by `key(sides)`, with `base`, and with `forms[sides]` over it. */
  const family = (name, key, base, forms = {}) =>
    Object.fromEntries(
      [2, 1, 3].map((sides) => [
        `${name}${sides}D`,
        { key: key(sides), ...base, rank: sides + 1, sides, ...forms[sides] },
      ]),
    );
  /** The address keys of a family whose 2-D form keeps the bare stem (maxpool, maxpool1d). */
  const stem = (word) => (sides) => (sides === 2 ? word : `${word}${sides}d`);

  const CONV = {
    fields: ["filters", ...WINDOW, "groups", "use_bias"],
    check: "least",
    created: ["padding-created", "groups-filters", "dilation-strides"],
    step: conv,
  };
  const POOLING = { fields: POOL, check: "exact", called: ["padding-called"], step: pooling };
  const GLOBAL = { fields: ["keepdims"], check: "exact", step: globalPool };
  const TYPES = {
    ...family("Conv", (sides) => `conv${sides}d`, CONV, {
      1: { created: ["groups-filters", "dilation-strides"] }, // Conv1D alone takes "causal"
    }),
    DepthwiseConv2D: {
      key: "depthwise",
      fields: [...WINDOW, "depth_multiplier", "use_bias"],
      rank: 3,
      check: "least",
      created: ["padding-created"],
      step: depthwise,
    },
    SeparableConv2D: {
      key: "separable",
      fields: ["filters", ...WINDOW, "depth_multiplier", "use_bias"],
      rank: 3,
      check: "least",
      created: ["padding-created"],
      step: separable,
    },
    Conv2DTranspose: {
      key: "transpose",
      fields: ["filters", ...WINDOW, "use_bias"],
      rank: 3,
      check: "least",
      created: ["padding-created", "dilation-strides"],
      step: transpose,
    },
    SharedKernelConv2D: {
      key: "shared",
      fields: ["filters", "kernel_size", "strides", "padding"],
      rank: 3,
      check: "exact",
      choices: { padding: ["valid", "same"] },
      step: shared,
    },
    ...family("MaxPooling", stem("maxpool"), POOLING),
    ...family("AveragePooling", stem("avgpool"), POOLING),
    ...family("ZeroPadding", stem("zeropad"), {
      fields: ["zero_padding"],
      check: "exact",
      step: zeroPadding,
    }),
    ...family("UpSampling", stem("upsample"), { fields: ["size"], check: "exact", step: upSampling }, {
      1: { format: "channels_last" }, // UpSampling1D repeats the axis after the batch
    }),
    BatchNormalization: { key: "batchnorm", fields: [], step: batchNorm },
    Dropout: { key: "dropout", fields: ["rate"], step: unchanged("Dropout") },
    Activation: { key: "activation", fields: ["activation"], step: unchanged("Activation") },
    Flatten: { key: "flatten", fields: [], step: flatten },
    Reshape: { key: "reshape", fields: ["target_shape"], step: reshape },
    ...family("GlobalAveragePooling", stem("gap"), GLOBAL),
    ...family("GlobalMaxPooling", stem("gmp"), GLOBAL),
    Dense: { key: "dense", fields: ["units", "use_bias"], step: dense },
  };

  /** How many axes a layer of `type` slides along: the length of its "sides" fields. */
  const sidesOf = (type) => TYPES[type].sides ?? 2;

  /** The values a layer of `type` offers for the choice field `name`. */
  const choicesOf = (type, name) => TYPES[type].choices?.[name] ?? FIELDS[name].choices;

  /** A new layer of `type` with Keras' defaults (and a filter count to start from). */
  function fresh(type) {
    const layer = { type };
    const repeat = (value) => Array(sidesOf(type)).fill(value);
    for (const name of TYPES[type].fields) layer[FIELDS[name].arg] = plain(layer, name);
    if ("filters" in layer) layer.filters = type === "SharedKernelConv2D" ? 4 : 16;
    if ("units" in layer) layer.units = 64;
    if ("kernel_size" in layer) layer.kernel_size = repeat(3);
    if ("pool_size" in layer) layer.pool_size = repeat(2);
    return layer;
  }

  /** A field's default; a pooling layer's strides default to its pool size (null here). */
  function plain(layer, name) {
    const field = FIELDS[name];
    if (name === "strides" && TYPES[layer.type].fields.includes("pool_size")) return null;
    if (field.kind === "sides" && field.plain !== undefined)
      return Array(sidesOf(layer.type)).fill(field.plain);
    return structuredClone(field.plain ?? null);
  }

  /* ---------- arithmetic ---------- */

  const big = (value) => BigInt(value);
  const product = (values) => values.reduce((total, value) => total * big(value), 1n);
  const number = (value) => big(value).toLocaleString("en-US");
  const shapeText = (shape) => `(None, ${shape.map((d) => d ?? "None").join(", ")})`;
  const known = (values) => values.every((value) => value !== null);
  const dim = (value) => value ?? "None";
  const pairText = (sides) => (sides.every((side) => side === sides[0]) ? `${sides[0]}` : sides.join("×"));

  /** An error of `kind`, worded with `values`; Keras' words are its first phrase unless
   * `values.quote` gives them. */
  function problem(kind, values = {}) {
    const words = ERRORS[kind];
    const filled = { quote: words.keras[0], ...values };
    const text = words.text.replace(/\{(\w+)\}/g, (_, name) => String(filled[name]));
    return { error: { kind, text } };
  }

  /** Where the channels and the other axes (length, height, width...) of `shape` are. */
  function axes(format, shape) {
    const all = [...shape.keys()];
    const channel = format === "channels_first" ? 0 : shape.length - 1;
    return { channel, image: all.filter((axis) => axis !== channel) };
  }

  /** A shape like `shape`, with `sides` along its axes and `channels` channels. */
  function image(shape, format, sides, channels) {
    const { channel, image: sidesAt } = axes(format, shape);
    const next = [];
    sidesAt.forEach((axis, i) => (next[axis] = sides[i]));
    next[channel] = channels;
    return next;
  }

  /** The names of the axes of an input of `rank` (batch aside), channels last. */
  const AXIS_NAMES = {
    2: ["length", "channels"],
    3: ["height", "width", "channels"],
    4: ["depth", "height", "width", "channels"],
  };
  const sideNames = (count) => AXIS_NAMES[count + 1].slice(0, -1);
  const times = (values) => values.join("×");

  const effective = (k, d) => d * (k - 1) + 1;

  /** Output length along one axis of a window of `size` (already dilated), step `step`:
   * "same" and "causal" pad the input so that every step-th cell has an output. */
  function slide(length, size, step, padding) {
    if (length === null) return { value: null, text: "None (any size)" };
    if (padding !== "valid") {
      const value = Math.ceil(length / step);
      return { value, text: step === 1 ? `${length} (${padding})` : `⌈${length} / ${step}⌉ = ${value}` };
    }
    const value = Math.floor((length - size) / step) + 1;
    const text =
      step === 1
        ? `${length} − ${size} + 1 = ${value}`
        : `⌊(${length} − ${size}) / ${step}⌋ + 1 = ${value}`;
    return { value, text };
  }

  /** One line per axis, or one for all when each axis has the same formula. */
  function sideLines(texts) {
    const names = sideNames(texts.length);
    return texts.every((text) => text === texts[0])
      ? [`${names.join(", ")}: ${texts[0]}`]
      : texts.map((text, i) => `${names[i]}: ${text}`);
  }

  /** The sides after a window of `size` (dilated by `dilation`) and `strides`. */
  function windowed(shape, format, layer, size, strides, dilation = size.map(() => 1), words = "size") {
    const lengths = axes(format, shape).image.map((axis) => shape[axis]);
    const span = size.map((k, i) => effective(k, dilation[i]));
    const slid = lengths.map((n, i) => slide(n, span[i], strides[i], layer.padding));
    if (slid.some((side) => side.value !== null && side.value < 1)) {
      return problem(words, { window: times(span), input: times(lengths.map(dim)) });
    }
    const lines = [];
    if (dilation.some((d) => d > 1)) {
      lines.push(`dilated window: ${size.map((k, i) => `${dilation[i]}·(${k} − 1) + 1`).join(", ")} = ${pairText(span)}`);
    }
    lines.push(...sideLines(slid.map((side) => side.text)));
    if (layer.padding === "causal") {
      lines.push(`causal: ${span[0] - 1} zeros before the start, none after: no output reads a later step`);
    }
    // "causal" pads the start only: output o's window ends at input cell step·o.
    const from = (i) => (layer.padding === "causal" ? 1 - span[i] : 0);
    const reach = size.map((k, i) => ({ kind: "window", k, d: dilation[i], s: strides[i], from: from(i) }));
    return { sides: slid.map((side) => side.value), lines, reach };
  }

  const bias = (layer, count) => (layer.use_bias === false ? 0n : big(count));
  const biasText = (layer, count) => (layer.use_bias === false ? "" : ` + ${count}`);

  /** A layer with a kernel, given its output sides and channels and its formulas. */
  function weighted(shape, format, out, channels, weights, weightsText, perPosition, macsText, positions) {
    const at = positions ?? out.sides;
    const macs = known(at) ? product(at) * perPosition : null;
    const where = `${at.map(dim).join("·")} ${positions ? "input " : ""}positions`;
    return {
      shape: image(shape, format, out.sides, channels),
      params: weights,
      macs,
      reach: out.reach,
      lines: [
        ...out.lines,
        `parameters: ${weightsText} = ${number(weights)}`,
        macs === null
          ? `multiply-adds: ${where} · ${macsText}, unknown until the input has a size`
          : `multiply-adds: ${where} · ${macsText} = ${number(macs)}`,
      ],
    };
  }

  /** Conv1D, Conv2D and Conv3D: a kernel of C/g slices per filter. */
  function conv(shape, layer, format) {
    const c = shape[axes(format, shape).channel];
    const [f, g] = [layer.filters, layer.groups];
    if (c % g !== 0) return problem("groups-channels", { channels: c, groups: g });
    const out = windowed(shape, format, layer, layer.kernel_size, layer.strides, layer.dilation_rate);
    if (out.error) return out;
    const k = layer.kernel_size;
    const window = k.join("·");
    const slices = g === 1 ? `${c}` : `(${c}/${g})`;
    return weighted(
      shape, format, out, f,
      product([...k, c / g, f]) + bias(layer, f), `${window}·${slices}·${f}${biasText(layer, f)}`,
      product([f, ...k, c / g]), `${f} filters · ${window}·${slices}`,
    );
  }

  function depthwise(shape, layer, format) {
    const c = shape[axes(format, shape).channel];
    const out = windowed(shape, format, layer, layer.kernel_size, layer.strides, layer.dilation_rate);
    if (out.error) return out;
    const [kh, kw] = layer.kernel_size;
    const m = layer.depth_multiplier;
    return weighted(
      shape, format, out, c * m,
      product([kh, kw, c, m]) + bias(layer, c * m), `${kh}·${kw}·${c}·${m}${biasText(layer, c * m)}`,
      product([c, m, kh, kw]), `${c}·${m} maps · ${kh}·${kw}`,
    );
  }

  function separable(shape, layer, format) {
    const c = shape[axes(format, shape).channel];
    const out = windowed(shape, format, layer, layer.kernel_size, layer.strides, layer.dilation_rate);
    if (out.error) return out;
    const [kh, kw] = layer.kernel_size;
    const [m, f] = [layer.depth_multiplier, layer.filters];
    return weighted(
      shape, format, out, f,
      product([kh, kw, c, m]) + product([c, m, f]) + bias(layer, f),
      `${kh}·${kw}·${c}·${m} + ${c}·${m}·${f}${biasText(layer, f)}`,
      product([c, m, kh, kw]) + product([c, m, f]), `(${c}·${m}·${kh}·${kw} + ${c}·${m}·${f})`,
    );
  }

  /** Conv2DTranspose: each input value spreads a kernel over the output. */
  function transpose(shape, layer, format) {
    const c = shape[axes(format, shape).channel];
    const sides = axes(format, shape).image.map((axis) => shape[axis]);
    const span = layer.kernel_size.map((k, i) => effective(k, layer.dilation_rate[i]));
    const grown = sides.map((n, i) => {
      const s = layer.strides[i];
      if (n === null) return { value: null, text: "None (any size)" };
      if (layer.padding === "same") return { value: n * s, text: `${n}·${s} = ${n * s}` };
      const value = n * s + Math.max(span[i] - s, 0);
      return { value, text: `${n}·${s} + max(${span[i]} − ${s}, 0) = ${value}` };
    });
    const out = {
      sides: grown.map((side) => side.value),
      lines: sideLines(grown.map((side) => side.text)),
      reach: layer.kernel_size.map((k, i) => ({
        kind: "transpose",
        k,
        d: layer.dilation_rate[i],
        s: layer.strides[i],
      })),
    };
    const [kh, kw] = layer.kernel_size;
    const f = layer.filters;
    return weighted(
      shape, format, out, f,
      product([kh, kw, f, c]) + bias(layer, f), `${kh}·${kw}·${f}·${c}${biasText(layer, f)}`,
      product([kh, kw, c, f]), `${kh}·${kw}·${c}·${f}`, sides,
    );
  }

  function shared(shape, layer, format) {
    const c = shape[axes(format, shape).channel];
    const out = windowed(shape, format, layer, layer.kernel_size, layer.strides, undefined, "size-tf");
    if (out.error) return out;
    const [kh, kw] = layer.kernel_size;
    const f = layer.filters;
    return weighted(
      shape, format, out, c * f,
      product([kh, kw, f]) + big(f), `${kh}·${kw}·${f} + ${f}`,
      product([c, f, kh, kw]), `${c}·${f} maps · ${kh}·${kw}`,
    );
  }

  const free = "no weights, no multiply-adds";

  function pooling(shape, layer, format) {
    const strides = layer.strides ?? layer.pool_size;
    const out = windowed(shape, format, layer, layer.pool_size, strides);
    if (out.error) return out;
    const lines = [...out.lines, free];
    if (!layer.strides) lines.unshift(`strides: the pool size, ${pairText(layer.pool_size)}`);
    const c = shape[axes(format, shape).channel];
    return { shape: image(shape, format, out.sides, c), params: 0n, macs: 0n, lines, reach: out.reach };
  }

  function zeroPadding(shape, layer, format) {
    const { channel, image: sidesAt } = axes(format, shape);
    const grown = sidesAt.map((axis, i) => (shape[axis] === null ? null : shape[axis] + 2 * layer.padding[i]));
    const texts = sidesAt.map((axis, i) => `${dim(shape[axis])} + 2·${layer.padding[i]} = ${dim(grown[i])}`);
    return {
      shape: image(shape, format, grown, shape[channel]),
      params: 0n,
      macs: 0n,
      lines: [...sideLines(texts), free],
      reach: sidesAt.map(() => null),
    };
  }

  function upSampling(shape, layer, format) {
    const own = TYPES[layer.type].format ?? format;
    const { channel, image: sidesAt } = axes(own, shape);
    const grown = sidesAt.map((axis, i) => (shape[axis] === null ? null : shape[axis] * layer.size[i]));
    const texts = sidesAt.map((axis, i) => `${dim(shape[axis])}·${layer.size[i]} = ${dim(grown[i])}`);
    const step = {
      shape: image(shape, own, grown, shape[channel]),
      params: 0n,
      macs: 0n,
      lines: [...sideLines(texts), "each value repeated, " + free],
      reach: layer.size.map((f) => ({ kind: "up", f })),
    };
    if (own === format) return step;
    // Channels first, the axis it repeats is the channels: the model's own axes keep their cells.
    const channels = shape[axes(format, shape).channel];
    return {
      ...step,
      lines: [
        `channels: ${channels}·${layer.size[0]} = ${channels * layer.size[0]}`,
        "each channel repeated, " + free,
      ],
      reach: pointwise(shape),
      note:
        `${layer.type} takes no data_format: it repeats the axis after the batch, which is the ` +
        `channels here (data_format="channels_first"). Its output has ${channels * layer.size[0]} ` +
        `channels and the length unchanged.`,
    };
  }

  /** BatchNormalization on the last axis (Keras' default axis=-1). */
  function batchNorm(shape) {
    const n = shape[shape.length - 1];
    if (n === null) return problem("undefined", { type: "BatchNormalization", shape: shapeText(shape) });
    return {
      shape,
      params: product([4, n]),
      trainable: product([2, n]),
      macs: 0n,
      reach: pointwise(shape),
      lines: [
        `parameters: 4·${n} = ${number(4 * n)}: gamma and beta (${number(2 * n)}, trainable), ` +
          `moving mean and variance (${number(2 * n)}, not trainable)`,
        "its scale and shift are not counted as multiply-adds",
      ],
    };
  }

  /** The reach of a layer that maps each cell to the same cell, on any axis but the last. */
  function pointwise(shape) {
    return shape.length > 1 ? Array(shape.length - 1).fill(null) : undefined;
  }

  function unchanged(type) {
    return (shape) => ({
      shape,
      params: 0n,
      macs: 0n,
      reach: pointwise(shape),
      lines: [type === "Dropout" ? "shape unchanged; active in training only" : "shape unchanged", free],
    });
  }

  function flatten(shape) {
    if (!known(shape)) {
      return { shape: [null], params: 0n, macs: 0n, lines: [`length: ${shape.map(dim).join("·")} = None`, free] };
    }
    const size = product(shape);
    return { shape: [Number(size)], params: 0n, macs: 0n, lines: [`length: ${shape.join("·")} = ${number(size)}`, free] };
  }

  /** Reshape: the same values, in `target_shape`; one axis of -1 is computed. */
  function reshape(shape, layer) {
    const target = layer.target_shape;
    if (!known(shape)) {
      const out = target.map((d) => (d === -1 ? null : d));
      return { shape: out, params: 0n, macs: 0n, lines: ["-1 stands for the unknown size: None", free] };
    }
    const total = product(shape);
    const fixed = product(target.filter((d) => d !== -1));
    const open = target.includes(-1);
    if (open ? total % fixed !== 0n : fixed !== total) {
      return problem("reshape", { input: shapeText(shape), total: number(total), target: target.join(", ") });
    }
    const out = target.map((d) => (d === -1 ? Number(total / fixed) : d));
    return {
      shape: out,
      params: 0n,
      macs: 0n,
      lines: [`${shape.join("·")} = ${out.join("·")} = ${number(total)} values`, free],
    };
  }

  function globalPool(shape, layer, format) {
    const { channel, image: sidesAt } = axes(format, shape);
    const c = shape[channel];
    const what = layer.type.startsWith("GlobalMax") ? "maximum" : "average";
    return {
      shape: layer.keepdims ? image(shape, format, sidesAt.map(() => 1), c) : [c],
      params: 0n,
      macs: 0n,
      lines: [`one ${what} per channel over ${sidesAt.map((axis) => dim(shape[axis])).join("·")} cells`, free],
    };
  }

  function dense(shape, layer, format) {
    const inputs = shape[shape.length - 1];
    if (inputs === null) return problem("undefined", { type: "Dense", shape: shapeText(shape) });
    const u = layer.units;
    const positions = shape.slice(0, -1);
    const macs = known(positions) ? product([...positions, inputs, u]) : null;
    const where = positions.length ? `${positions.map(dim).join("·")} positions · ` : "";
    const params = product([inputs, u]) + bias(layer, u);
    const step = {
      shape: [...positions, u],
      params,
      macs,
      lines: [
        `parameters: ${inputs}·${u}${biasText(layer, u)} = ${number(params)}`,
        `multiply-adds: ${where}${inputs}·${u} = ${macs === null ? "unknown until the input has a size" : number(macs)}`,
      ],
    };
    if (positions.length) {
      // On an image, Dense mixes the last axis: the channels, or the width in channels_first.
      if (format !== "channels_first") step.reach = pointwise(shape);
      step.note =
        `Dense acts on the last axis only: the same ${inputs}×${u} weights are applied at each ` +
        `of the ${positions.map(dim).join("×")} positions, so the other axes stay. ` +
        `Put Flatten before Dense for one vector per image.`;
    }
    return step;
  }

  /* ---------- the receptive field ---------- */

  /** The input cells (one axis) that the output `cells` of a layer read. A set, not a
   * span: a transposed convolution with a stride above its kernel leaves gaps. */
  function back(cells, reach) {
    if (!reach) return cells;
    const read = new Set();
    const taps = reach.k ? [...Array(reach.k).keys()].map((u) => reach.d * u) : [];
    for (const o of cells) {
      if (reach.kind === "window") for (const tap of taps) read.add(reach.s * o + reach.from + tap);
      else if (reach.kind === "up") read.add(Math.floor(o / reach.f));
      else for (const tap of taps) if ((o - tap) % reach.s === 0) read.add((o - tap) / reach.s);
    }
    return read;
  }

  /** The widest span of input cells one output cell depends on, per axis of the input. */
  function receptiveField(reaches) {
    return reaches[0].map((_, axis) => {
      const steps = reaches.map((reach) => reach[axis]);
      // The span repeats with a period dividing the product of the spreading factors.
      const spread = (step) => (step?.kind === "up" ? step.f : step?.kind === "transpose" ? step.s : 1);
      const period = steps.reduce((total, step) => total * spread(step), 1);
      let widest = 0;
      for (let cell = 0; cell < Math.min(period, 4096); cell += 1) {
        const cells = [...steps.reduceRight((read, step) => back(read, step), new Set([cell]))];
        if (cells.length) widest = Math.max(widest, Math.max(...cells) - Math.min(...cells) + 1);
      }
      return widest;
    });
  }

  /* ---------- a whole model ---------- */

  const snake = (type) =>
    type
      .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toLowerCase();

  /** A field the reader left empty or out of range, if any. */
  function badEntry(layer) {
    for (const name of TYPES[layer.type].fields) {
      const field = FIELDS[name];
      const value = layer[field.arg];
      const whole = (v) => Number.isInteger(v) && v >= field.least;
      const bad =
        field.kind === "int"
          ? !whole(value)
          : field.kind === "sides"
            ? value !== null && !(value.length === sidesOf(layer.type) && value.every(whole))
            : field.kind === "shape"
              ? !(value.length && value.every((d) => d === -1 || whole(d)) &&
                  value.filter((d) => d === -1).length < 2)
              : field.kind === "fraction" && !(value >= 0 && value < 1);
      if (bad) {
        const least = {
          fraction: "0 up to, not including, 1; from 0",
          shape: "1 (or one -1) for every axis, separated by x; from 1",
        }[field.kind] ?? field.least;
        return problem("entry", { field: field.arg, least });
      }
    }
    return null;
  }

  /* The error rules of the layer types' `created` and `called` lists: for a layer, the
   * values its error's text needs if Keras refuses it, else false. */
  const causal = (layer) => layer.padding === "causal" && { type: layer.type };
  const RULES = {
    "padding-created": causal,
    "padding-called": causal,
    "groups-filters": (layer) =>
      layer.filters % layer.groups !== 0 && { filters: layer.filters, groups: layer.groups },
    "dilation-strides": (layer) =>
      layer.strides.some((s) => s > 1) && layer.dilation_rate.some((d) => d > 1) && { type: layer.type },
  };

  /** The first of the error rules `kinds` that refuses `layer`, if any. */
  function refusal(layer, kinds = []) {
    for (const kind of kinds) {
      const values = RULES[kind](layer);
      if (values) return problem(kind, values);
    }
    return null;
  }

  /** Keras' words when a layer of `type` gets an input of `found` axes (batch aside). */
  function rankWords(type, found) {
    const { rank, check } = TYPES[type];
    const [need, got] = [rank + 1, found + 1];
    if (check === "exact") return `expected ndim=${need}, found ndim=${got}`;
    return found < rank ? `expected min_ndim=${need}, found ndim=${got}` : ERRORS.ndim.keras[2];
  }

  /** Keras' error for an input of another rank than the layer's; `start`: the model's
   * input rank, which tells whether Flatten or global pooling took the axes away. */
  function shapeError(shape, layer, start) {
    const { rank } = TYPES[layer.type];
    if (!rank || shape.length === rank) return null;
    const names = AXIS_NAMES[rank];
    return problem("ndim", {
      quote: rankWords(layer.type, shape.length),
      type: layer.type,
      shape: shapeText(shape),
      rank: rank + 1,
      axes: ["batch", ...names].join(", "),
      found: shape.length + 1,
      hint: ERRORS.ndim.hints[shape.length < rank && start === rank ? "lost" : "other"],
    });
  }

  /** Whether the input is a shape of 1 to 3 axes and channels: whole numbers, or None
   * (null) for any axis but the channels. */
  function inputReady(spec) {
    if (!(spec.input.length in AXIS_NAMES)) return false;
    const channel = axes(spec.format ?? "channels_last", spec.input).channel;
    const whole = (value) => Number.isInteger(value) && value >= 1;
    return spec.input.every((d, axis) => whole(d) || (d === null && axis !== channel));
  }

  /** Every layer's result; the first error stops the computation. */
  function evaluate(spec) {
    const counts = {};
    const format = spec.format ?? "channels_last";
    let shape = inputReady(spec) ? spec.input : null;
    let failed = !shape;
    let reaches = [];
    return spec.layers.map((layer) => {
      const base = snake(layer.type);
      counts[base] = (counts[base] ?? -1) + 1;
      const name = counts[base] ? `${base}_${counts[base]}` : base;
      if (failed) return { name, type: layer.type, skipped: true };
      const type = TYPES[layer.type];
      const step =
        badEntry(layer) ??
        refusal(layer, type.created) ??
        shapeError(shape, layer, spec.input.length) ??
        refusal(layer, type.called) ??
        type.step(shape, layer, format);
      if (step.error) {
        failed = true;
        return { name, type: layer.type, ...step };
      }
      shape = step.shape;
      // The receptive field holds while each layer maps the input's axes cell by cell.
      reaches = step.reach && reaches ? [...reaches, step.reach] : null;
      const rf = reaches && shape.length === spec.input.length ? receptiveField(reaches) : null;
      const trainable = step.trainable ?? step.params;
      return { name, type: layer.type, ...step, trainable, rf };
    });
  }

  /** Keras' size of `count` float32 weights as its summary prints it: two decimals of
   * bytes, KB, MB... (1024 each), rounded half to even like Python's format. */
  function memory(count) {
    const bytes = big(count) * 4n;
    const units = ["B", "KB", "MB", "GB", "TB", "PB"];
    let power = 0;
    while (power < units.length - 1 && bytes >= 1024n ** big(power + 1)) power += 1;
    const scale = 1024n ** big(power);
    let hundredths = (bytes * 100n) / scale;
    const left = (bytes * 100n) % scale;
    if (left * 2n > scale || (left * 2n === scale && hundredths % 2n === 1n)) hundredths += 1n;
    const whole = hundredths / 100n;
    const cents = String(hundredths % 100n).padStart(2, "0");
    return `${whole}.${cents} ${units[power]}`;
  }

  return {
    FIELDS, TYPES, AXIS_NAMES, sidesOf, choicesOf, fresh, plain, evaluate, inputReady, memory, number,
    shapeText,
  };
})();

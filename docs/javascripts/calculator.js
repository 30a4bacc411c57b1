/* Shapes, parameters and multiply-adds of a stack of Keras layers, as Keras 3 computes them.
 *
 * The model lives in the page's address (?input=150x150x3&conv2d=f16,k3&...), so a copied
 * link reproduces it. window.calculator exposes load(spec), read(), address(spec) and
 * parse(query) for scripts and tests.
 */
(() => {
  "use strict";

  /* Each layer type: its address key, the fields it takes and a new layer's values. */
  const TYPES = {
    Conv2D: {
      key: "conv2d",
      fields: ["filters", "kernel_size", "strides", "padding", "groups", "use_bias"],
      start: {
        filters: 16,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: "valid",
        groups: 1,
        use_bias: true,
      },
    },
    DepthwiseConv2D: {
      key: "depthwise",
      fields: ["kernel_size", "strides", "padding", "depth_multiplier", "use_bias"],
      start: {
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: "valid",
        depth_multiplier: 1,
        use_bias: true,
      },
    },
    SeparableConv2D: {
      key: "separable",
      fields: ["filters", "kernel_size", "strides", "padding", "depth_multiplier", "use_bias"],
      start: {
        filters: 16,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: "valid",
        depth_multiplier: 1,
        use_bias: true,
      },
    },
    SharedKernelConv2D: {
      key: "shared",
      fields: ["filters", "kernel_size", "strides", "padding"],
      start: { filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: "valid" },
    },
    MaxPooling2D: {
      key: "maxpool",
      fields: ["pool_size", "strides", "padding"],
      start: { pool_size: [2, 2], strides: null, padding: "valid" },
    },
    AveragePooling2D: {
      key: "avgpool",
      fields: ["pool_size", "strides", "padding"],
      start: { pool_size: [2, 2], strides: null, padding: "valid" },
    },
    Flatten: { key: "flatten", fields: [], start: {} },
    GlobalAveragePooling2D: { key: "gap", fields: [], start: {} },
    Dense: { key: "dense", fields: ["units", "use_bias"], start: { units: 64, use_bias: true } },
  };

  /* Each field: how it is written in the address and shown in the form. */
  const FIELDS = {
    filters: { token: "f", label: "filters", kind: "int" },
    units: { token: "u", label: "units", kind: "int" },
    depth_multiplier: { token: "m", label: "depth_multiplier", kind: "int", plain: 1 },
    groups: { token: "g", label: "groups", kind: "int", plain: 1 },
    kernel_size: { token: "k", label: "kernel_size", kind: "pair" },
    pool_size: { token: "p", label: "pool_size", kind: "pair" },
    strides: { token: "s", label: "strides", kind: "pair", plain: [1, 1] },
    padding: { label: "padding", kind: "choice", choices: ["valid", "same"], plain: "valid" },
    use_bias: { label: "use_bias", kind: "bool", plain: true },
  };

  const THREAD_MODEL =
    "input=150x150x3&conv2d=f16,k3&maxpool=p2&conv2d=f32,k3&maxpool=p2" +
    "&conv2d=f64,k3&maxpool=p2&flatten&dense=u512&dense=u1";

  const big = (value) => BigInt(value);
  const product = (values) => values.reduce((total, value) => total * big(value), 1n);
  const number = (value) => big(value).toLocaleString("en-US");
  const shapeText = (shape) => `(None, ${shape.join(", ")})`;
  const isCount = (value) => Number.isInteger(value) && value >= 1;
  // Keras names a layer after its class: snake case, as keras.src.utils.naming does it.
  const snake = (type) =>
    type
      .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toLowerCase();

  /* ---------- the model in the address ---------- */

  function pairText(pair) {
    return pair[0] === pair[1] ? `${pair[0]}` : `${pair[0]}x${pair[1]}`;
  }

  /** A field's value that the address leaves out; pooling steps by its pool size unless told. */
  function plain(layer, name) {
    return name === "strides" && "pool_size" in layer ? null : FIELDS[name].plain;
  }

  /** The query string (without "?") that encodes `spec`. */
  function address(spec) {
    const parts = [`input=${spec.input.join("x")}`];
    for (const layer of spec.layers) {
      const tokens = [];
      for (const name of TYPES[layer.type].fields) {
        const field = FIELDS[name];
        const value = layer[name];
        if (field.kind === "bool") {
          if (value === false) tokens.push("nobias");
        } else if (field.kind === "choice") {
          if (value !== field.plain) tokens.push(value);
        } else if (value !== null && JSON.stringify(value) !== JSON.stringify(plain(layer, name))) {
          tokens.push(field.token + (field.kind === "pair" ? pairText(value) : value));
        }
      }
      const key = TYPES[layer.type].key;
      parts.push(tokens.length ? `${key}=${tokens.join(",")}` : key);
    }
    return parts.join("&");
  }

  /** The model a query string encodes, and the parts of it that could not be read. */
  function parse(query) {
    const spec = { input: null, layers: [] };
    const unread = [];
    const byKey = Object.fromEntries(Object.entries(TYPES).map(([type, info]) => [info.key, type]));
    const byToken = Object.fromEntries(
      Object.entries(FIELDS)
        .filter(([, field]) => field.token)
        .map(([name, field]) => [field.token, name]),
    );
    for (const part of query.replace(/^\?/, "").split("&").filter(Boolean)) {
      const [key, value = ""] = part.split("=");
      if (key === "input") {
        const dims = value.split("x").map(Number);
        if (dims.length === 3 && dims.every(isCount)) spec.input = dims;
        else unread.push(part);
        continue;
      }
      const type = byKey[key];
      if (!type) {
        unread.push(part);
        continue;
      }
      const layer = { type, ...structuredClone(TYPES[type].start) };
      for (const token of value.split(",").filter(Boolean)) {
        const name = byToken[token[0]];
        const match = /^(\d+)(?:x(\d+))?$/.exec(token.slice(1));
        if (token === "nobias" && "use_bias" in layer) layer.use_bias = false;
        else if (token === "same" && "padding" in layer) layer.padding = "same";
        else if (name && name in layer && match && FIELDS[name].kind === "pair") {
          layer[name] = [Number(match[1]), Number(match[2] ?? match[1])];
        } else if (name && name in layer && match && !match[2]) layer[name] = Number(match[1]);
        else unread.push(`${key}=${token}`);
      }
      spec.layers.push(layer);
    }
    if (!spec.input) spec.input = [150, 150, 3];
    return { spec, unread };
  }

  /* ---------- Keras' arithmetic ---------- */

  /** Output length along one axis of a window of `size`, step `step`, over `length` cells. */
  function slide(length, size, step, padding) {
    if (padding === "same") {
      const value = Math.ceil(length / step);
      return { value, text: step === 1 ? `${length} (same)` : `⌈${length} / ${step}⌉ = ${value}` };
    }
    const value = Math.floor((length - size) / step) + 1;
    const text =
      step === 1
        ? `${length} − ${size} + 1 = ${value}`
        : `⌊(${length} − ${size}) / ${step}⌋ + 1 = ${value}`;
    return { value, text };
  }

  /** Height and width after a window; an error when 'valid' fits no window. */
  function spatial(shape, layer, size, strides) {
    const padding = layer.padding;
    const rows = slide(shape[0], size[0], strides[0], padding);
    const cols = slide(shape[1], size[1], strides[1], padding);
    const lines =
      rows.text === cols.text
        ? [`height, width: ${rows.text}`]
        : [`height: ${rows.text}`, `width: ${cols.text}`];
    if (rows.value < 1 || cols.value < 1) {
      // The site's layer convolves inside its call, where TensorFlow words the error.
      const words =
        layer.type === "SharedKernelConv2D"
          ? "Negative dimension size"
          : "Computed output size would be zero or negative";
      return {
        error: {
          kind: "size",
          text:
            `Keras raises ValueError ("${words}"): with ` +
            `padding 'valid', a ${size[0]}×${size[1]} window does not fit in a ${shape[0]}×${shape[1]} ` +
            `input. Use padding 'same', a smaller window, or fewer layers that shrink the input.`,
        },
      };
    }
    return { height: rows.value, width: cols.value, lines };
  }

  function problem(kind, text) {
    return { error: { kind, text } };
  }

  /** A field the reader left empty or set below 1, if any. */
  function badEntry(layer) {
    for (const name of TYPES[layer.type].fields) {
      const field = FIELDS[name];
      const value = layer[name];
      const bad =
        field.kind === "int"
          ? !isCount(value)
          : field.kind === "pair" && value !== null && !value.every(isCount);
      if (bad) return problem("entry", `Enter a whole number from 1 upward for ${field.label}.`);
    }
    return null;
  }

  function needsImage(shape, type) {
    if (shape.length === 3) return null;
    return problem(
      "ndim",
      `Keras raises ValueError: ${type} expects a 4-D input (batch, height, width, channels), ` +
        `but its input ${shapeText(shape)} is ${shape.length + 1}-D. Move the layer before ` +
        `Flatten or GlobalAveragePooling2D, or remove those.`,
    );
  }

  const bias = (layer, count) => (layer.use_bias ? big(count) : 0n);
  const biasText = (layer, count) => (layer.use_bias ? ` + ${count}` : "");

  /** One convolution-like layer whose output has `channels` channels. */
  function convolution(shape, layer, channels, weights, weightsText, macs, macsText) {
    const out = spatial(shape, layer, layer.kernel_size, layer.strides);
    if (out.error) return out;
    const cells = big(out.height) * big(out.width);
    return {
      shape: [out.height, out.width, channels],
      params: weights,
      macs: cells * macs,
      lines: [
        ...out.lines,
        `parameters: ${weightsText} = ${number(weights)}`,
        `multiply-adds: ${out.height}·${out.width} positions · ${macsText} = ${number(cells * macs)}`,
      ],
    };
  }

  /** What a layer does to `shape`: output shape, parameters, multiply-adds, formulas. */
  const STEPS = {
    Conv2D(shape, layer) {
      if (layer.filters % layer.groups !== 0) {
        return problem(
          "groups-filters",
          `Keras raises ValueError when the layer is created: filters (${layer.filters}) must be ` +
            `a multiple of groups (${layer.groups}).`,
        );
      }
      const image = needsImage(shape, "Conv2D");
      if (image) return image;
      const [kh, kw] = layer.kernel_size;
      const [c, f, g] = [shape[2], layer.filters, layer.groups];
      if (c % g !== 0) {
        return problem(
          "groups-channels",
          `Keras raises ValueError: the ${c} input channels cannot be split into ${g} equal ` +
            `groups; groups must divide the number of input channels.`,
        );
      }
      const perGroup = c / g;
      const slices = g === 1 ? `${c}` : `(${c}/${g})`;
      return convolution(
        shape,
        layer,
        f,
        product([kh, kw, perGroup, f]) + bias(layer, f),
        `${kh}·${kw}·${slices}·${f}${biasText(layer, f)}`,
        product([f, kh, kw, perGroup]),
        `${f} filters · ${kh}·${kw}·${slices}`,
      );
    },
    DepthwiseConv2D(shape, layer) {
      const image = needsImage(shape, "DepthwiseConv2D");
      if (image) return image;
      const [kh, kw] = layer.kernel_size;
      const [c, m] = [shape[2], layer.depth_multiplier];
      return convolution(
        shape,
        layer,
        c * m,
        product([kh, kw, c, m]) + bias(layer, c * m),
        `${kh}·${kw}·${c}·${m}${biasText(layer, c * m)}`,
        product([c, m, kh, kw]),
        `${c}·${m} maps · ${kh}·${kw}`,
      );
    },
    SeparableConv2D(shape, layer) {
      const image = needsImage(shape, "SeparableConv2D");
      if (image) return image;
      const [kh, kw] = layer.kernel_size;
      const [c, m, f] = [shape[2], layer.depth_multiplier, layer.filters];
      return convolution(
        shape,
        layer,
        f,
        product([kh, kw, c, m]) + product([c, m, f]) + bias(layer, f),
        `${kh}·${kw}·${c}·${m} + ${c}·${m}·${f}${biasText(layer, f)}`,
        product([c, m, kh, kw]) + product([c, m, f]),
        `(${c}·${m}·${kh}·${kw} + ${c}·${m}·${f})`,
      );
    },
    SharedKernelConv2D(shape, layer) {
      const image = needsImage(shape, "SharedKernelConv2D");
      if (image) return image;
      const [kh, kw] = layer.kernel_size;
      const [c, f] = [shape[2], layer.filters];
      return convolution(
        shape,
        layer,
        c * f,
        product([kh, kw, f]) + big(f),
        `${kh}·${kw}·${f} + ${f}`,
        product([c, f, kh, kw]),
        `${c}·${f} maps · ${kh}·${kw}`,
      );
    },
    MaxPooling2D: pooling,
    AveragePooling2D: pooling,
    Flatten(shape) {
      const size = product(shape);
      return {
        shape: [Number(size)],
        params: 0n,
        macs: 0n,
        lines: [`length: ${shape.join("·")} = ${number(size)}`, "no weights, no multiply-adds"],
      };
    },
    GlobalAveragePooling2D(shape) {
      const image = needsImage(shape, "GlobalAveragePooling2D");
      if (image) return image;
      return {
        shape: [shape[2]],
        params: 0n,
        macs: 0n,
        lines: [
          `one average per channel over ${shape[0]}·${shape[1]} cells`,
          "no weights, no multiply-adds",
        ],
      };
    },
    Dense(shape, layer) {
      const inputs = shape[shape.length - 1];
      const u = layer.units;
      const positions = shape.slice(0, -1);
      const macs = product([...positions, inputs, u]);
      const where = positions.length ? `${positions.join("·")} positions · ` : "";
      const step = {
        shape: [...positions, u],
        params: product([inputs, u]) + bias(layer, u),
        macs,
        lines: [
          `parameters: ${inputs}·${u}${biasText(layer, u)} = ${number(product([inputs, u]) + bias(layer, u))}`,
          `multiply-adds: ${where}${inputs}·${u} = ${number(macs)}`,
        ],
      };
      if (positions.length) {
        step.note =
          `Dense acts on the last axis only: the same ${inputs}×${u} weights are applied at each ` +
          `of the ${positions.join("×")} positions, so the output keeps its height and width. ` +
          `Put Flatten before Dense for one vector per image.`;
      }
      return step;
    },
  };

  function pooling(shape, layer) {
    const image = needsImage(shape, layer.type);
    if (image) return image;
    const strides = layer.strides ?? layer.pool_size;
    const out = spatial(shape, layer, layer.pool_size, strides);
    if (out.error) return out;
    const lines = [...out.lines, "no weights, no multiply-adds"];
    if (!layer.strides) lines.unshift(`strides: the pool size, ${pairText(layer.pool_size)}`);
    return { shape: [out.height, out.width, shape[2]], params: 0n, macs: 0n, lines };
  }

  /** Every layer's result; the first error stops the computation. */
  function evaluate(spec) {
    const counts = {};
    let shape = spec.input.every(isCount) ? spec.input : null;
    let failed = !shape;
    return spec.layers.map((layer) => {
      const base = snake(layer.type);
      counts[base] = (counts[base] ?? -1) + 1;
      const name = counts[base] ? `${base}_${counts[base]}` : base;
      if (failed) return { name, type: layer.type, skipped: true };
      const step = badEntry(layer) ?? STEPS[layer.type](shape, layer);
      if (step.error) failed = true;
      else shape = step.shape;
      return { name, type: layer.type, ...step };
    });
  }

  /* ---------- the form ---------- */

  const root = document.getElementById("calculator");
  if (!root) return;
  let { spec, unread } = parse(location.search || THREAD_MODEL);

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== false && value !== null)
        node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children);
    return node;
  }

  function readInt(input) {
    return input.value.trim() === "" ? NaN : Number(input.value);
  }

  function numberInput(attributes, value, change) {
    const input = element("input", {
      type: "number",
      min: 1,
      step: 1,
      inputmode: "numeric",
      value: value ?? "",
      oninput: () => change(readInt(input)),
      ...attributes,
    });
    return input;
  }

  function numberBox(label, value, change) {
    return element(
      "label",
      { class: "calc-field" },
      element("span", {}, label),
      numberInput({}, value, change),
    );
  }

  function fieldControls(layer, name) {
    const field = FIELDS[name];
    const changed = (value) => {
      layer[name] = value;
      update();
    };
    const label = field.label;
    if (field.kind === "int") return [numberBox(label, layer[name], changed)];
    if (field.kind === "bool") {
      const box = element("input", {
        type: "checkbox",
        checked: layer[name],
        onchange: () => changed(box.checked),
      });
      return [
        element("label", { class: "calc-field calc-check" }, box, element("span", {}, label)),
      ];
    }
    if (field.kind === "choice") {
      const select = element(
        "select",
        { onchange: () => changed(select.value) },
        ...field.choices.map((choice) =>
          element("option", { value: choice, selected: choice === layer[name] }, choice),
        ),
      );
      return [element("label", { class: "calc-field" }, element("span", {}, label), select)];
    }
    // A pooling layer's strides may be left empty: Keras then steps by the pool size.
    const optional = name === "strides" && "pool_size" in layer;
    const side = (index) => (value) => {
      const next = [...(layer[name] ?? [NaN, NaN])];
      next[index] = value;
      changed(optional && next.every(Number.isNaN) ? null : next);
    };
    const values = layer[name] ?? [null, null];
    const boxes = ["height", "width"].map((axis, index) =>
      numberInput(
        { "aria-label": `${label}, ${axis}`, placeholder: optional ? "pool" : false },
        values[index],
        side(index),
      ),
    );
    return [
      element(
        "span",
        { class: "calc-field", role: "group", "aria-label": label },
        element("span", { "aria-hidden": "true" }, label),
        element(
          "span",
          { class: "calc-pair" },
          boxes[0],
          element("span", { "aria-hidden": "true" }, "×"),
          boxes[1],
        ),
      ),
    ];
  }

  function layerCard(layer, index) {
    const count = spec.layers.length;
    const move = (by) => () => {
      const [moved] = spec.layers.splice(index, 1);
      spec.layers.splice(index + by, 0, moved);
      render(`[data-layer="${index + by}"] [data-action="${by < 0 ? "up" : "down"}"]`);
    };
    const remove = () => {
      spec.layers.splice(index, 1);
      const next = Math.min(index, spec.layers.length - 1);
      render(`[data-layer="${next}"] [data-action="remove"]`, ".calc-add select");
    };
    const title = `layer ${index + 1}, ${layer.type}`;
    return element(
      "li",
      { class: "calc-layer", "data-layer": index },
      element(
        "div",
        { class: "calc-layer-head" },
        element("h3", { class: "calc-layer-title" }, `${index + 1}. ${layer.type}`),
        element(
          "span",
          { class: "calc-tools" },
          element(
            "button",
            {
              type: "button",
              "data-action": "up",
              "aria-label": `Move ${title} up`,
              disabled: index === 0,
              onclick: move(-1),
            },
            "↑",
          ),
          element(
            "button",
            {
              type: "button",
              "data-action": "down",
              "aria-label": `Move ${title} down`,
              disabled: index === count - 1,
              onclick: move(1),
            },
            "↓",
          ),
          element(
            "button",
            {
              type: "button",
              "data-action": "remove",
              "aria-label": `Remove ${title}`,
              onclick: remove,
            },
            "✕",
          ),
        ),
      ),
      element(
        "div",
        { class: "calc-fields" },
        ...TYPES[layer.type].fields.flatMap((name) => fieldControls(layer, name)),
      ),
      element("div", { class: "calc-result", "aria-live": "polite" }),
    );
  }

  function inputCard() {
    const names = ["height", "width", "channels"];
    return element(
      "fieldset",
      { class: "calc-input" },
      element("legend", {}, "Input shape (height, width, channels)"),
      ...names.map((name, axis) =>
        numberBox(name, spec.input[axis], (value) => {
          spec.input[axis] = value;
          update();
        }),
      ),
      element("p", { class: "calc-input-error" }),
    );
  }

  function adder() {
    const select = element(
      "select",
      { "aria-label": "Layer type to add" },
      ...Object.keys(TYPES).map((type) => element("option", { value: type }, type)),
    );
    const add = () => {
      spec.layers.push({ type: select.value, ...structuredClone(TYPES[select.value].start) });
      const card = `[data-layer="${spec.layers.length - 1}"]`;
      render(`${card} input`, `${card} [data-action="remove"]`);
    };
    return element(
      "div",
      { class: "calc-add" },
      element("label", {}, element("span", {}, "Add a layer "), select),
      element(
        "button",
        { type: "button", class: "md-button md-button--primary", onclick: add },
        "Add",
      ),
    );
  }

  /** Draw the whole form, then focus the first of `targets` (selectors) that exists. */
  function render(...targets) {
    const summary = element("div", { class: "calc-summary" });
    root.replaceChildren(
      inputCard(),
      element("ol", { class: "calc-layers" }, ...spec.layers.map(layerCard)),
      adder(),
      element("h3", {}, "Summary"),
      summary,
      element("p", { class: "calc-link" }),
    );
    update();
    for (const target of targets) {
      const found = root.querySelector(target);
      if (found) {
        found.focus();
        break;
      }
    }
  }

  function resultLines(result) {
    if (result.skipped)
      return [element("p", { class: "calc-skipped" }, "Not computed: a layer above fails.")];
    if (result.error)
      return [
        element("p", { class: "calc-error", "data-kind": result.error.kind }, result.error.text),
      ];
    const lines = [
      element(
        "p",
        { class: "calc-shape" },
        "output ",
        element("code", {}, shapeText(result.shape)),
      ),
      element(
        "ul",
        { class: "calc-formulas" },
        ...result.lines.map((line) => element("li", {}, line)),
      ),
    ];
    if (result.note) lines.push(element("p", { class: "calc-note" }, result.note));
    return lines;
  }

  function summaryTable(results) {
    const valid =
      results.every((result) => !result.error && !result.skipped) && spec.input.every(isCount);
    const cell = (result, key) => {
      if (result.skipped) return "–";
      if (result.error) return key === "shape" ? "error" : "–";
      return key === "shape" ? shapeText(result.shape) : number(result[key]);
    };
    const sum = (key) => results.reduce((total, result) => total + (result[key] ?? 0n), 0n);
    const head = ["Layer (type)", "Output shape", "Param #", "Multiply-adds"];
    return element(
      "table",
      { class: valid ? "calc-table" : "calc-table calc-invalid" },
      element(
        "thead",
        {},
        element("tr", {}, ...head.map((text) => element("th", { scope: "col" }, text))),
      ),
      element(
        "tbody",
        {},
        element(
          "tr",
          {},
          element("td", {}, "input"),
          element("td", {}, spec.input.every(isCount) ? shapeText(spec.input) : "error"),
          element("td", {}, "0"),
          element("td", {}, "0"),
        ),
        ...results.map((result) =>
          element(
            "tr",
            { "data-verdict": result.error ? "error" : result.skipped ? "skipped" : "ok" },
            element("td", {}, `${result.name} (${result.type})`),
            element("td", {}, cell(result, "shape")),
            element("td", {}, cell(result, "params")),
            element("td", {}, cell(result, "macs")),
          ),
        ),
      ),
      element(
        "tfoot",
        {},
        element(
          "tr",
          {},
          element(
            "th",
            { scope: "row", colspan: 2 },
            valid ? "Total" : "Total (the model does not build)",
          ),
          element("td", { class: "calc-total-params" }, valid ? number(sum("params")) : "–"),
          element("td", { class: "calc-total-macs" }, valid ? number(sum("macs")) : "–"),
        ),
      ),
    );
  }

  function update() {
    const results = evaluate(spec);
    const entered = spec.input.every(isCount);
    root.querySelector(".calc-input-error").textContent = entered
      ? ""
      : "Enter whole numbers from 1 upward.";
    root.querySelectorAll(".calc-layer").forEach((card, index) => {
      card.querySelector(".calc-result").replaceChildren(...resultLines(results[index]));
    });
    root.querySelector(".calc-summary").replaceChildren(summaryTable(results));
    const query = `?${address(spec)}`;
    history.replaceState(null, "", query + location.hash);
    const link = root.querySelector(".calc-link");
    link.replaceChildren(
      element("a", { href: query }, "Link to this model"),
      " (the page's address holds it too)",
    );
    if (unread.length)
      link.append(
        element(
          "span",
          { class: "calc-error" },
          ` (not understood in the address: ${unread.join(", ")})`,
        ),
      );
  }

  /** The summary as the page shows it: one object per layer, and the totals. */
  function read() {
    const rows = [...root.querySelectorAll(".calc-table tbody tr")].slice(1).map((row) => {
      const [layer, shape, params, macs] = [...row.cells].map((cell) => cell.textContent);
      return { layer, shape, params, macs, verdict: row.dataset.verdict };
    });
    const errors = [...root.querySelectorAll(".calc-layer")].map((card) => {
      const error = card.querySelector(".calc-error");
      return error ? { kind: error.dataset.kind, text: error.textContent } : null;
    });
    return {
      rows,
      errors,
      params: root.querySelector(".calc-total-params").textContent,
      macs: root.querySelector(".calc-total-macs").textContent,
      address: location.search,
    };
  }

  /** Show the model `next` ({input, layers}) as if the reader had entered it. */
  function load(next) {
    spec = structuredClone(next);
    unread = [];
    render();
  }

  window.calculator = { load, read, address, parse };
  render();
  // The page's example models become links to their own address.
  for (const link of document.querySelectorAll("a[data-model]"))
    link.href = `?${link.dataset.model}`;
})();

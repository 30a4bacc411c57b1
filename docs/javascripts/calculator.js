/* The calculator's page: the model in the address, the form and the summary.
 *
 * The model lives in the page's address (?input=150x150x3&conv2d=f16,k3&...), so a copied
 * link reproduces it. Keras' rules are in calculator-layers.js, the error wording in
 * calculator-errors.js. window.calculator exposes load(spec), read(), address(spec) and
 * parse(query) for scripts and tests.
 */
(() => {
  "use strict";

  const {
    FIELDS, TYPES, AXIS_NAMES, sidesOf, choicesOf, fresh, plain, evaluate, inputReady, memory, number,
    shapeText,
  } = window.calculatorLayers;
  const ERRORS = window.calculatorErrors;

  const THREAD_MODEL =
    "input=150x150x3&conv2d=f16,k3&maxpool=p2&conv2d=f32,k3&maxpool=p2" +
    "&conv2d=f64,k3&maxpool=p2&flatten&dense=u512&dense=u1";
  const DEFAULT_INPUT = [150, 150, 3];
  /* The input to start from when the reader picks a sequence, an image or a volume. */
  const INPUTS = {
    "sequence (length, channels)": [100, 8],
    "image (height, width, channels)": [150, 150, 3],
    "volume (depth, height, width, channels)": [16, 64, 64, 1],
  };
  const FORMATS = ["channels_last", "channels_first"];

  /* ---------- the model in the address ---------- */

  /** Every address token, to the field it sets: letters before a value, or a bare word. */
  const TOKENS = (() => {
    const tokens = {};
    const claim = (token, name) => {
      if (token in tokens) throw new Error(`address token ${token} is used twice`);
      tokens[token] = name;
    };
    for (const [name, field] of Object.entries(FIELDS)) {
      if (field.token) claim(field.token, name);
      for (const word of [...(field.choices ?? []), field.on, field.off].filter(Boolean))
        claim(word, name);
    }
    return tokens;
  })();

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  /** The query string (without "?") that encodes `spec`. */
  function address(spec) {
    const parts = [`input=${spec.input.map((d) => d ?? "None").join("x")}`];
    if ((spec.format ?? FORMATS[0]) !== FORMATS[0]) parts.push(`format=${spec.format}`);
    for (const layer of spec.layers) {
      const tokens = [];
      for (const name of TYPES[layer.type].fields) {
        const field = FIELDS[name];
        const value = layer[field.arg];
        if (same(value, plain(layer, name)) || value === null) continue;
        if (field.kind === "flag") tokens.push(value ? field.on : field.off);
        else if (field.kind === "choice") tokens.push(value);
        else if (field.kind === "sides") tokens.push(field.token + value.join("x").replace(/^(\d+)(x\1)+$/, "$1"));
        else if (field.kind === "shape") tokens.push(field.token + value.join("x"));
        else tokens.push(field.token + value);
      }
      const key = TYPES[layer.type].key;
      parts.push(tokens.length ? `${key}=${tokens.join(",")}` : key);
    }
    return parts.join("&");
  }

  /** Read one token into `layer`; false if it means nothing for this layer. */
  function readToken(layer, token) {
    const [, letters, value] = /^([a-z_]+)(.*)$/.exec(token) ?? [];
    const name = TOKENS[value ? letters : token];
    if (!name || !TYPES[layer.type].fields.includes(name)) return false;
    const field = FIELDS[name];
    if (field.kind === "flag") layer[field.arg] = token === field.on;
    else if (field.kind === "choice" && choicesOf(layer.type, name).includes(token)) layer[field.arg] = token;
    else if (field.kind === "fraction" && /^\d*\.?\d+$/.test(value)) layer[field.arg] = Number(value);
    else if (field.kind === "int" && /^\d+$/.test(value)) layer[field.arg] = Number(value);
    else if (field.kind === "shape" && /^-?\d+(x-?\d+)*$/.test(value))
      layer[field.arg] = value.split("x").map(Number);
    else if (field.kind === "sides" && /^\d+(x\d+)*$/.test(value)) {
      // One number for every axis, or one per axis.
      const values = value.split("x").map(Number);
      const count = sidesOf(layer.type);
      if (values.length !== 1 && values.length !== count) return false;
      layer[field.arg] = values.length === 1 ? Array(count).fill(values[0]) : values;
    } else return false;
    return true;
  }

  /** The model a query string encodes; the parts not understood; a bad input part. */
  function parse(query) {
    const spec = { input: null, format: FORMATS[0], layers: [] };
    const unread = [];
    let badInput = null;
    const byKey = Object.fromEntries(Object.entries(TYPES).map(([type, info]) => [info.key, type]));
    if (/(^|[?&])format=channels_first(&|$)/.test(query)) spec.format = "channels_first";
    for (const part of query.replace(/^\?/, "").split("&").filter(Boolean)) {
      const [key, value = ""] = decodeURIComponent(part).split("=");
      if (key === "input") {
        const dims = value.split("x").map((d) => (d === "None" ? null : Number(d)));
        const candidate = { input: dims, format: spec.format };
        if (inputReady(candidate)) spec.input = dims;
        else badInput = part;
      } else if (key === "format" && FORMATS.includes(value)) spec.format = value;
      else if (byKey[key]) {
        const layer = fresh(byKey[key]);
        for (const token of value.split(",").filter(Boolean))
          if (!readToken(layer, token)) unread.push(`${key}=${token}`);
        spec.layers.push(layer);
      } else unread.push(part);
    }
    spec.input ??= [...DEFAULT_INPUT];
    return { spec, unread, badInput };
  }

  /* ---------- the form ---------- */

  const root = document.getElementById("calculator");
  if (!root) return;
  let { spec, unread, badInput } = parse(location.search || THREAD_MODEL);

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== false && value !== null && value !== undefined)
        node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children);
    return node;
  }

  const fill = (kind, values) =>
    ERRORS[kind].text.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

  function numberInput(attributes, value, change, least = 1, step = 1, empty = NaN) {
    const input = element("input", {
      type: "number",
      min: least,
      step,
      inputmode: step === 1 ? "numeric" : "decimal",
      value: value ?? "",
      oninput: () => change(input.value.trim() === "" ? empty : Number(input.value)),
      ...attributes,
    });
    return input;
  }

  function labelled(label, control) {
    return element("label", { class: "calc-field" }, element("span", {}, label), control);
  }

  function fieldControls(layer, name) {
    const field = FIELDS[name];
    const label = field.arg;
    const changed = (value) => {
      layer[field.arg] = value;
      update();
    };
    if (field.kind === "int" || field.kind === "fraction") {
      const step = field.kind === "int" ? 1 : 0.05;
      return labelled(label, numberInput({}, layer[field.arg], changed, field.least ?? 0, step));
    }
    if (field.kind === "shape") {
      const text = element("input", {
        type: "text",
        value: layer[field.arg].join("x"),
        spellcheck: "false",
        oninput: () =>
          changed(/^\s*-?\d+(\s*x\s*-?\d+)*\s*$/.test(text.value) ? text.value.split("x").map(Number) : [NaN]),
      });
      return labelled(`${label} (e.g. 4x4x2)`, text);
    }
    if (field.kind === "flag") {
      const box = element("input", {
        type: "checkbox",
        checked: layer[field.arg],
        onchange: () => changed(box.checked),
      });
      return element("label", { class: "calc-field calc-check" }, box, element("span", {}, label));
    }
    if (field.kind === "choice") {
      const select = element(
        "select",
        { onchange: () => changed(select.value) },
        ...choicesOf(layer.type, name).map((choice) =>
          element("option", { value: choice, selected: choice === layer[field.arg] }, choice),
        ),
      );
      return labelled(label, select);
    }
    // A pooling layer's strides may be left empty: Keras then steps by the pool size.
    const optional = plain(layer, name) === null;
    const names = AXIS_NAMES[sidesOf(layer.type) + 1].slice(0, -1);
    const side = (index) => (value) => {
      const next = [...(layer[field.arg] ?? names.map(() => NaN))];
      next[index] = value;
      changed(optional && next.every(Number.isNaN) ? null : next);
    };
    const values = layer[field.arg] ?? names.map(() => null);
    const boxes = names.map((axis, index) =>
      numberInput(
        { "aria-label": `${label}, ${axis}`, placeholder: optional ? "pool" : false },
        values[index],
        side(index),
        field.least,
      ),
    );
    return element(
      "span",
      { class: "calc-field", role: "group", "aria-label": label },
      element("span", { "aria-hidden": "true" }, label),
      element(
        "span",
        { class: "calc-pair" },
        ...boxes.flatMap((box, index) =>
          index ? [element("span", { "aria-hidden": "true" }, "×"), box] : [box],
        ),
      ),
    );
  }

  function toolButton(action, label, disabled, onclick, text) {
    return element(
      "button",
      { type: "button", "data-action": action, "aria-label": label, disabled, onclick },
      text,
    );
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
          toolButton("up", `Move ${title} up`, index === 0, move(-1), "↑"),
          toolButton("down", `Move ${title} down`, index === count - 1, move(1), "↓"),
          toolButton("remove", `Remove ${title}`, false, remove, "✕"),
        ),
      ),
      element(
        "div",
        { class: "calc-fields" },
        ...TYPES[layer.type].fields.map((name) => fieldControls(layer, name)),
      ),
      element("div", { class: "calc-result", "aria-live": "polite" }),
    );
  }

  function inputCard() {
    const last = AXIS_NAMES[spec.input.length] ?? AXIS_NAMES[3];
    const names = spec.format === "channels_first" ? [last.at(-1), ...last.slice(0, -1)] : last;
    const kind = element(
      "select",
      {
        onchange: () => {
          spec.input = [...INPUTS[kind.value]];
          render('.calc-input select[data-input="kind"]');
        },
        "data-input": "kind",
      },
      ...Object.keys(INPUTS).map((name) =>
        element("option", { value: name, selected: INPUTS[name].length === names.length }, name),
      ),
    );
    const format = element(
      "select",
      {
        onchange: () => {
          spec.format = format.value;
          render('.calc-input select[data-input="format"]');
        },
        "data-input": "format",
      },
      ...FORMATS.map((name) => element("option", { value: name, selected: name === spec.format }, name)),
    );
    return element(
      "fieldset",
      { class: "calc-input" },
      element("legend", {}, `Input shape (${names.join(", ")})`),
      labelled("input", kind),
      ...names.map((name, axis) =>
        labelled(
          name,
          numberInput(
            { placeholder: name === "channels" ? false : "None" },
            spec.input[axis],
            (value) => {
              spec.input[axis] = value;
              update();
            },
            1,
            1,
            name === "channels" ? NaN : null,
          ),
        ),
      ),
      labelled("data_format (every layer)", format),
      element("p", { class: "calc-input-error" }),
    );
  }

  /* The layer types in the list to add from, grouped by the input they take. */
  const GROUPS = [
    ["For images", 3],
    ["For sequences", 2],
    ["For volumes", 4],
    ["For any input", undefined],
  ];

  function adder() {
    const select = element(
      "select",
      { "aria-label": "Layer type to add" },
      ...GROUPS.map(([label, rank]) =>
        element(
          "optgroup",
          { label },
          ...Object.keys(TYPES)
            .filter((type) => TYPES[type].rank === rank)
            .map((type) => element("option", { value: type }, type)),
        ),
      ),
    );
    const add = () => {
      spec.layers.push(fresh(select.value));
      const card = `[data-layer="${spec.layers.length - 1}"]`;
      render(`${card} input`, `${card} select`, `${card} [data-action="remove"]`);
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
    const addressError = [];
    if (badInput) addressError.push(fill("address-input", { part: badInput, shape: shapeText(DEFAULT_INPUT) }));
    if (unread.length) addressError.push(fill("address", { parts: unread.join(", ") }));
    root.replaceChildren(
      element(
        "div",
        { class: "calc-address-error", role: addressError.length ? "alert" : false },
        ...addressError.map((text) => element("p", {}, text)),
      ),
      inputCard(),
      element("h2", { id: "calc-summary-title" }, "Summary"),
      element("p", { class: "calc-totals" }),
      element("div", {
        class: "calc-summary",
        tabindex: 0,
        role: "region",
        "aria-labelledby": "calc-summary-title",
      }),
      element("p", { class: "calc-link" }),
      element("h2", {}, "Layers"),
      element("ol", { class: "calc-layers" }, ...spec.layers.map(layerCard)),
      adder(),
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
      element("p", { class: "calc-shape" }, "output ", element("code", {}, shapeText(result.shape))),
      element(
        "ul",
        { class: "calc-formulas" },
        ...result.lines.map((line) => element("li", {}, line)),
      ),
    ];
    if (result.rf) {
      const cells = result.rf.every((d) => d === 1) ? "cell" : "cells";
      lines.push(
        element("p", { class: "calc-rf" }, `receptive field: ${result.rf.join("×")} input ${cells}`),
      );
    }
    if (result.note) lines.push(element("p", { class: "calc-note" }, result.note));
    return lines;
  }

  /* The summary's columns after the layer's: a heading and, in smaller type under it, the
   * value each cell gives on a second line, so that the table fits a phone's width. */
  const COLUMNS = [["Output shape", "receptive field"], ["Param #", "memory"], ["Multiply-adds"]];
  const NONE = ["–"];

  /** `text` with a place to break the line after each underscore (long layer names). */
  const breakable = (text) =>
    text.split(/(?<=_)/).flatMap((part, index) => (index ? [element("wbr"), part] : [part]));

  /** A cell: its value, and under it its second value if the column has one. */
  function cell(tag, [main, sub], attributes = {}) {
    const lines = [element("span", { class: "calc-main" }, main)];
    if (sub !== undefined) lines.push(element("span", { class: "calc-sub" }, sub));
    return element(tag, attributes, ...lines);
  }

  function summaryTable(results, valid) {
    const cells = (result) => {
      if (result.skipped) return [NONE, NONE, NONE];
      if (result.error) return [["error"], NONE, NONE];
      return [
        [shapeText(result.shape), result.rf ? result.rf.join("×") : "–"],
        [number(result.params), memory(result.params)],
        [result.macs === null ? "–" : number(result.macs)],
      ];
    };
    const entered = inputReady(spec);
    const ones = spec.input.slice(1).map(() => 1).join("×");
    const row = (attributes, name, type, values) =>
      element(
        "tr",
        attributes,
        element(
          "th",
          { scope: "row" },
          element("span", { class: "calc-main" }, ...breakable(name)),
          type ? element("span", { class: "calc-type" }, ` (${type})`) : "",
        ),
        ...values.map((value) => cell("td", value)),
      );
    return element(
      "table",
      { class: valid ? "calc-table" : "calc-table calc-invalid" },
      element(
        "thead",
        {},
        element(
          "tr",
          {},
          element("th", { scope: "col" }, "Layer", element("span", { class: "calc-type" }, " (type)")),
          ...COLUMNS.map((heading) => cell("th", heading, { scope: "col" })),
        ),
      ),
      element(
        "tbody",
        {},
        row({}, "input", "", [[entered ? shapeText(spec.input) : "error", ones], ["0", memory(0)], ["0"]]),
        ...results.map((result) =>
          row(
            { "data-verdict": result.error ? "error" : result.skipped ? "skipped" : "ok" },
            result.name,
            result.type,
            cells(result),
          ),
        ),
      ),
    );
  }

  /** The totals, above the table so that a phone shows them without scrolling sideways. */
  function totals(results, valid) {
    const sum = (key) => results.reduce((total, result) => total + (result[key] ?? 0n), 0n);
    if (!valid) return ["The model does not build: no totals."];
    const [all, trainable] = [sum("params"), sum("trainable")];
    const macs = results.some((result) => result.macs === null) ? null : sum("macs");
    const line = (label, value, cls, size = true) =>
      element(
        "span",
        { class: "calc-total" },
        `${label}: `,
        element("strong", { class: cls }, value === null ? "–" : number(value)),
        value === null ? " (the input's size is None)" : size ? ` (${memory(value)})` : "",
      );
    return [
      line("Total params", all, "calc-total-params"),
      line("Trainable params", trainable, "calc-total-trainable"),
      line("Non-trainable params", all - trainable, "calc-total-frozen"),
      line("Multiply-adds", macs, "calc-total-macs", false),
    ];
  }

  function update() {
    const results = evaluate(spec);
    const entered = inputReady(spec);
    const valid = entered && results.every((result) => !result.error && !result.skipped);
    root.querySelector(".calc-input-error").textContent = entered
      ? ""
      : "Enter whole numbers from 1 upward; every axis but the channels may be left empty (None).";
    root.querySelectorAll(".calc-layer").forEach((card, index) => {
      card.querySelector(".calc-result").replaceChildren(...resultLines(results[index]));
    });
    root.querySelector(".calc-totals").replaceChildren(...totals(results, valid));
    root.querySelector(".calc-summary").replaceChildren(summaryTable(results, valid));
    const query = `?${address(spec)}`;
    history.replaceState(null, "", query + location.hash);
    root
      .querySelector(".calc-link")
      .replaceChildren(
        element("a", { href: query }, "Link to this model"),
        " (the page's address holds it too)",
      );
  }

  /** The summary as the page shows it: one object per layer, and the totals. */
  function read() {
    const rows = [...root.querySelectorAll(".calc-table tbody tr")].slice(1).map((row) => {
      // Each cell's lines: its value, and the second value under it where there is one.
      const [layer, [shape, rf = "–"], [params, size = "–"], [macs]] = [...row.cells].map((td) =>
        [...td.children].map((line) => line.textContent),
      );
      return { layer: layer.join(""), shape, params, memory: size, macs, rf, verdict: row.dataset.verdict };
    });
    const errors = [...root.querySelectorAll(".calc-layer")].map((card) => {
      const error = card.querySelector(".calc-error");
      return error ? { kind: error.dataset.kind, text: error.textContent } : null;
    });
    const total = (cls) => root.querySelector(`.${cls}`)?.textContent ?? "–";
    return {
      rows,
      errors,
      params: total("calc-total-params"),
      trainable: total("calc-total-trainable"),
      frozen: total("calc-total-frozen"),
      macs: total("calc-total-macs"),
      totals: root.querySelector(".calc-totals").textContent,
      address: location.search,
    };
  }

  /** Show the model `next` ({input, format, layers}) as if the reader had entered it. */
  function load(next) {
    spec = { format: FORMATS[0], ...structuredClone(next) };
    spec.layers = spec.layers.map((layer) => ({ ...fresh(layer.type), ...layer }));
    unread = [];
    badInput = null;
    render();
  }

  window.calculator = { load, read, address, parse };
  render();
  // The page's example models become links to their own address.
  for (const link of document.querySelectorAll("a[data-model]"))
    link.href = `?${link.dataset.model}`;
})();

/* Inside one output value: pick an output position, a filter and a layer, and see the
 * window on each input channel, every product, the per-channel sums and their total,
 * beside the value Keras returned.
 *
 * The numbers are read from the output the page shows under the snippet named by the
 * holder's `data-snippet`: the JSON that run printed. window.explorer exposes
 * show(layer, filter, row, column) and read() for scripts and tests.
 */
(() => {
  "use strict";

  const holder = document.getElementById("explorer");
  if (!holder) return;

  const LAYERS = {
    conv2d: { label: "Conv2D", unit: "filter" },
    depthwise: { label: "DepthwiseConv2D", unit: "output channel" },
  };

  /** The text of the output shown under the snippet `path` (the first tab if there are tabs). */
  function shownOutput(path) {
    const titles = document.querySelectorAll(".snippet-code > .filename");
    const code = [...titles].find((title) => title.textContent === path)?.parentElement;
    for (let next = code?.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.classList.contains("snippet-code")) break;
      const output = next.matches(".snippet-output")
        ? next
        : next.querySelector(".tabbed-block .snippet-output");
      if (output) return output.querySelector("pre > code").textContent;
    }
    return null;
  }

  const text = shownOutput(holder.dataset.snippet);
  if (text === null) {
    holder.textContent = `The explorer found no output of ${holder.dataset.snippet} on the page.`;
    return;
  }
  const data = JSON.parse(text);

  /* ---------- the arithmetic, from the run's numbers ---------- */

  /** The slice that meets input channel `c` in `layer` for output `unit`, or null. */
  function slice(layer, unit, c) {
    if (layer === "conv2d") return data.conv2d.kernel[unit][c];
    return c === unit ? data.depthwise.kernel[c][0] : null; // depth_multiplier 1
  }

  /** Every input channel's products and their sum, the bias, the total and Keras' value. */
  function compute(layer, unit, row, column) {
    const perChannel = data.input.map((grid, c) => {
      const weights = slice(layer, unit, c);
      if (!weights) return null;
      const products = weights.flatMap((line, u) =>
        line.map((weight, v) => {
          const value = grid[row + u][column + v];
          return { u, v, value, weight, product: value * weight };
        }),
      );
      return { products, sum: products.reduce((total, item) => total + item.product, 0) };
    });
    const bias = data[layer].bias[unit];
    const total = perChannel.reduce((sum, part) => sum + (part ? part.sum : 0), bias);
    return { perChannel, bias, total, keras: data[layer].output[unit][row][column] };
  }

  /* ---------- drawing ---------- */

  const state = { layer: "conv2d", unit: 0, row: 0, column: 0 };
  const outputs = () => data[state.layer].output;

  const minus = (value) => String(value).replace("-", "−");
  const factor = (value) => (value < 0 ? `(${minus(value)})` : minus(value));

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== false && value !== null) node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  /** A grid of numbers as a table; `mark(i, j)` gives a cell's extra class. */
  function numberGrid(grid, caption, mark = () => "") {
    return element(
      "table",
      { class: "xp-grid" },
      element("caption", {}, caption),
      element(
        "tbody",
        {},
        ...grid.map((line, i) =>
          element(
            "tr",
            {},
            ...line.map((value, j) =>
              element("td", { class: mark(i, j), "data-row": i, "data-column": j }, minus(value)),
            ),
          ),
        ),
      ),
    );
  }

  const layerSwitch = element(
    "fieldset",
    { class: "xp-layer" },
    element("legend", {}, "Layer"),
    ...Object.entries(LAYERS).map(([key, layer]) =>
      element(
        "label",
        {},
        element("input", {
          type: "radio",
          name: "xp-layer",
          value: key,
          checked: key === state.layer ? "" : false,
          onchange: () => show(key, 0, state.row, state.column),
        }),
        ` ${layer.label}`,
      ),
    ),
  );
  const unitPicker = element("select", {
    onchange: (event) => show(state.layer, Number(event.target.value), state.row, state.column),
  });
  const unitLabel = element("span", {});
  const outputGrid = element("div", {
    class: "xp-output-grid",
    role: "grid",
    tabindex: 0,
    onkeydown: move,
  });
  const outputCaption = element("p", { class: "xp-caption", id: "xp-output-caption" });
  outputGrid.setAttribute("aria-labelledby", "xp-output-caption");
  const channelList = element("ol", { class: "xp-channels" });
  const total = element("p", { class: "xp-total", "aria-live": "polite" });

  holder.replaceChildren(
    element(
      "div",
      { class: "xp-controls" },
      layerSwitch,
      element("label", { class: "xp-unit" }, unitLabel, unitPicker),
    ),
    element("div", { class: "xp-output" }, outputCaption, outputGrid),
    total,
    channelList,
  );

  /** Arrow keys move the output position; Home and End go to the row's ends. */
  function move(event) {
    const rows = outputs()[state.unit].length;
    const columns = outputs()[state.unit][0].length;
    const steps = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      Home: [0, -columns],
      End: [0, columns],
    };
    const step = steps[event.key];
    if (!step) return;
    event.preventDefault();
    const clamp = (value, size) => Math.min(Math.max(value, 0), size - 1);
    show(
      state.layer,
      state.unit,
      clamp(state.row + step[0], rows),
      clamp(state.column + step[1], columns),
    );
  }

  function drawControls() {
    const layer = LAYERS[state.layer];
    for (const radio of layerSwitch.querySelectorAll("input"))
      radio.checked = radio.value === state.layer;
    unitLabel.textContent = `${layer.unit[0].toUpperCase()}${layer.unit.slice(1)} `;
    unitPicker.replaceChildren(
      ...outputs().map((_, unit) =>
        element("option", { value: unit }, `${layer.unit} ${unit}`),
      ),
    );
    unitPicker.value = String(state.unit);
  }

  function drawOutput() {
    const grid = outputs()[state.unit];
    const { label, unit } = LAYERS[state.layer];
    outputCaption.textContent = `${label} output, ${unit} ${state.unit} (Keras' values from the run)`;
    outputGrid.replaceChildren(
      ...grid.map((line, i) =>
        element(
          "div",
          { role: "row" },
          ...line.map((value, j) => {
            const chosen = i === state.row && j === state.column;
            return element(
              "div",
              {
                role: "gridcell",
                id: `xp-out-${i}-${j}`,
                class: chosen ? "xp-chosen" : "",
                "aria-selected": String(chosen),
                "aria-label": `row ${i}, column ${j}: ${minus(value)}`,
                onclick: () => {
                  show(state.layer, state.unit, i, j);
                  outputGrid.focus();
                },
              },
              minus(value),
            );
          }),
        ),
      ),
    );
    outputGrid.setAttribute("aria-activedescendant", `xp-out-${state.row}-${state.column}`);
  }

  function drawChannels(result) {
    const [kh, kw] = [data.conv2d.kernel[0][0].length, data.conv2d.kernel[0][0][0].length];
    const inWindow = (i, j) =>
      i >= state.row && i < state.row + kh && j >= state.column && j < state.column + kw;
    channelList.replaceChildren(
      ...result.perChannel.map((part, c) => {
        const used = part !== null;
        const mark = (i, j) => (used && inWindow(i, j) ? "xp-window" : "");
        const pieces = [numberGrid(data.input[c], `input channel ${c}`, mark)];
        if (used) {
          pieces.push(numberGrid(slice(state.layer, state.unit, c), `slice for channel ${c}`));
        }
        const work = used
          ? element(
              "p",
              { class: "xp-products", "data-sum": part.sum },
              part.products.map((item) => `${minus(item.value)}·${factor(item.weight)}`).join(" + "),
              " = ",
              element("strong", {}, minus(part.sum)),
            )
          : element(
              "p",
              { class: "xp-products" },
              `Not used: channel ${c} goes to output channel ${c} of its own.`,
            );
        return element(
          "li",
          { class: used ? "xp-channel" : "xp-channel xp-unused", "data-channel": c },
          element("div", { class: "xp-pair" }, ...pieces),
          work,
        );
      }),
    );
  }

  function drawTotal(result) {
    const sums = result.perChannel
      .map((part, c) => (part ? `channel ${c} (${minus(part.sum)})` : null))
      .filter(Boolean);
    const agree = Math.abs(result.total - result.keras) <= 1e-5 * Math.max(1, Math.abs(result.keras));
    total.replaceChildren(
      `${sums.join(" + ")} + bias (${minus(result.bias)}) = `,
      element("strong", { class: "xp-computed", "data-value": result.total }, minus(result.total)),
      "; Keras: ",
      element("strong", { class: "xp-keras", "data-value": result.keras }, minus(result.keras)),
      agree ? " (the same)" : " (they differ)",
    );
  }

  /** Show output (`row`, `column`) of `unit` (a filter, or a depthwise output channel). */
  function show(layer, unit, row, column) {
    Object.assign(state, { layer, unit, row, column });
    const result = compute(layer, unit, row, column);
    drawControls();
    drawOutput();
    drawChannels(result);
    drawTotal(result);
  }

  /** What the explorer shows: its computed value, Keras' value and the outlined cells. */
  function read() {
    const windows = [...channelList.querySelectorAll(".xp-channel")].flatMap((item) =>
      [...item.querySelectorAll(".xp-window")].map((cell) =>
        [item.dataset.channel, cell.dataset.row, cell.dataset.column].map(Number),
      ),
    );
    return {
      ...state,
      computed: Number(total.querySelector(".xp-computed").dataset.value),
      keras: Number(total.querySelector(".xp-keras").dataset.value),
      windows,
    };
  }

  window.explorer = { show, read };
  show(state.layer, state.unit, state.row, state.column);
})();

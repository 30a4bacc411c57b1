// Code in a table cell may break after "(", "," and "=" (an identifier stays whole): a
// column of calls such as `DepthwiseConv2D(depth_multiplier=K)` is then as wide as its
// longest piece, and a phone shows the table's every column instead of one call.
(() => {
  for (const code of document.querySelectorAll(".md-typeset td code")) {
    if (code.children.length || !/[(,=]./.test(code.textContent)) continue;
    const pieces = code.textContent.split(/(?<=[(,=])/);
    code.replaceChildren(
      ...pieces.flatMap((piece, index) => (index ? [document.createElement("wbr"), piece] : [piece])),
    );
  }
})();

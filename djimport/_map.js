// djimport's pipeline map: pan and zoom the diagram, find a table, show its panel.
// Names and comments are data: they are written with textContent only, never as markup.
"use strict";
(() => {
  const tables = new Map(Object.entries(JSON.parse(document.getElementById("map-data").textContent).tables));
  const svg = document.querySelector("#map svg");
  const map = document.getElementById("map");
  const panel = document.getElementById("panel");
  const search = document.getElementById("search");
  const results = document.getElementById("results");

  // Graphviz titles each node with its id (schema.table) and each edge "parent->child".
  const nodes = new Map();
  for (const g of svg.querySelectorAll("g.node")) {
    const id = g.querySelector("title").textContent;
    if (tables.has(id)) nodes.set(id, g);
  }
  const edges = new Map();
  for (const g of svg.querySelectorAll("g.edge")) {
    const key = g.querySelector("title").textContent;
    if (!edges.has(key)) edges.set(key, []);
    edges.get(key).push(g);
  }
  const shown = (ids) => ids.filter((id) => nodes.has(id));

  // Pan and zoom: the view is the SVG's viewBox.
  const box = svg.viewBox.baseVal;
  const home = { x: box.x, y: box.y, w: box.width, h: box.height };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  let view = { ...home };
  const scale = () => svg.getScreenCTM().a; // screen pixels per diagram unit
  // Schema names stay readable when zoomed out: they are the landmarks of a map too big to read.
  const schemaLabels = [...svg.querySelectorAll("g.cluster > text")]
    .map((text) => [text, +text.getAttribute("font-size")]);
  const sizeSchemaLabels = () => {
    const s = scale();
    for (const [text, size] of schemaLabels) text.setAttribute("font-size", Math.max(size, 12 / s).toFixed(1));
  };
  const show = (v) => {
    view = v;
    svg.setAttribute("viewBox", `${v.x} ${v.y} ${v.w} ${v.h}`);
    sizeSchemaLabels();
  };
  sizeSchemaLabels();
  addEventListener("resize", sizeSchemaLabels);
  const toDiagram = (clientX, clientY) => new DOMPoint(clientX, clientY).matrixTransform(svg.getScreenCTM().inverse());
  const zoom = (factor, at) => {
    const w = Math.min(Math.max(view.w * factor, 40), home.w * 4);
    const f = w / view.w;
    show({ x: at.x - (at.x - view.x) * f, y: at.y - (at.y - view.y) * f, w, h: view.h * f });
  };
  const centre = () => ({ x: view.x + view.w / 2, y: view.y + view.h / 2 });

  map.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoom(Math.exp(event.deltaY * (event.deltaMode ? 0.05 : 0.0015)), toDiagram(event.clientX, event.clientY));
  }, { passive: false });

  let drag = null;
  map.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, moved: false };
    map.setPointerCapture(event.pointerId);
  });
  map.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    drag.moved = true;
    map.classList.add("dragging");
    const s = scale();
    show({ ...view, x: view.x - dx / s, y: view.y - dy / s });
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  map.addEventListener("pointerup", (event) => {
    const clicked = drag && !drag.moved;
    drag = null;
    map.classList.remove("dragging");
    if (!clicked) return;
    // Captured pointer events target the map: find the node under the pointer.
    const target = document.elementFromPoint(event.clientX, event.clientY);
    const node = target && target.closest("g.node");
    if (node) select(node.querySelector("title").textContent, false);
  });
  document.getElementById("zoom-in").addEventListener("click", () => zoom(1 / 1.5, centre()));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(1.5, centre()));
  document.getElementById("fit").addEventListener("click", () => show({ ...home }));

  // Selecting a table: highlight it and its links, show its panel, and bring it into view if asked.
  let selected = null;
  function select(id, bringIntoView) {
    if (!nodes.has(id)) return;
    for (const g of svg.querySelectorAll(".selected, .neighbor, .related")) {
      g.classList.remove("selected", "neighbor", "related");
    }
    selected = id;
    const table = tables.get(id);
    nodes.get(id).classList.add("selected");
    for (const other of shown(table.parents)) {
      nodes.get(other).classList.add("neighbor");
      for (const g of edges.get(`${other}->${id}`) || []) g.classList.add("related");
    }
    for (const other of shown(table.children)) {
      nodes.get(other).classList.add("neighbor");
      for (const g of edges.get(`${id}->${other}`) || []) g.classList.add("related");
    }
    fillPanel(table);
    if (bringIntoView) reveal(nodes.get(id));
  }

  function reveal(node) {
    const r = node.getBoundingClientRect();
    const middle = toDiagram(r.left + r.width / 2, r.top + r.height / 2);
    const s = Math.max(scale(), 1.2); // zoomed out: come close enough to read the names
    const w = map.clientWidth / s, h = map.clientHeight / s;
    show({ x: middle.x - w / 2, y: middle.y - h / 2, w, h });
  }

  const element = (tag, text, className) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  };

  function links(title, ids, from) {
    const section = [element("h3", `${title} (${ids.length})`)];
    const list = element("ul", undefined, "links");
    for (const id of ids) {
      const other = tables.get(id);
      const button = element("button", other.class);
      button.title = `${other.schema}.${other.table}`;
      if (other.schema !== from.schema) button.append(" ", element("small", other.schema));
      button.addEventListener("click", () => select(id, true));
      const item = element("li");
      item.append(button);
      list.append(item);
    }
    if (ids.length) section.push(list);
    return section;
  }

  function fillPanel(table) {
    const close = element("button", "\u00d7", "close");
    close.title = "Close";
    close.addEventListener("click", unselect);
    const facts = element("dl");
    for (const [term, value] of [["schema", table.schema], ["table", table.table], ["tier", table.tier || "none"]]) {
      facts.append(element("dt", term), element("dd", value));
    }
    const attributes = element("table", undefined, "attributes");
    const key = table.attributes.filter((a) => a[3]), rest = table.attributes.filter((a) => !a[3]);
    for (const [group, rows] of [["primary key", key], ["attributes", rest]]) {
      const head = element("tr", undefined, "group");
      const cell = element("th", group);
      cell.colSpan = 3;
      head.append(cell);
      attributes.append(head);
      for (const [name, type, comment] of rows) {
        const row = element("tr");
        row.append(element("td", name, "name"), element("td", type, "type"), element("td", comment, "comment"));
        attributes.append(row);
      }
    }
    panel.replaceChildren(
      close, element("h2", table.class),
      element("p", table.comment, "comment"),
      facts,
      element("code", table.import, "import"),
      attributes,
      ...links("Parents", shown(table.parents), table),
      ...links("Children", shown(table.children), table),
    );
    panel.hidden = false;
  }

  function unselect() {
    for (const g of svg.querySelectorAll(".selected, .neighbor, .related")) {
      g.classList.remove("selected", "neighbor", "related");
    }
    selected = null;
    panel.hidden = true;
  }

  // Search by class or SQL name: exact names first, then names that start with the text, then the rest.
  const index = [...nodes.keys()].map((id) => {
    const t = tables.get(id);
    const names = [t.class, t.table, `${t.schema}.${t.table}`, `${t.schema}.${t.class}`];
    return { id, t, names: names.map((n) => n.toLowerCase()) };
  });
  let found = [], active = 0;
  function find(text) {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const rank = ({ names }) => (names.includes(q) ? 0 : names.some((n) => n.startsWith(q)) ? 1 : 2);
    return index.filter(({ names }) => names.some((n) => n.includes(q)))
      .sort((a, b) => rank(a) - rank(b) || a.t.class.localeCompare(b.t.class)).slice(0, 50);
  }
  function listResults() {
    results.replaceChildren(...found.map(({ id, t }, i) => {
      const item = element("li", t.class, i === active ? "active" : "");
      item.append(" ", element("small", `${t.schema}.${t.table}`));
      item.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the box
        choose(id);
      });
      return item;
    }));
    results.hidden = !found.length;
  }
  function choose(id) {
    results.hidden = true;
    select(id, true);
  }
  search.addEventListener("input", () => {
    found = find(search.value);
    active = 0;
    listResults();
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (found.length) active = (active + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      listResults();
    } else if (event.key === "Enter" && found.length) {
      choose(found[active].id);
    } else if (event.key === "Escape") {
      results.hidden = true;
    }
  });
  search.addEventListener("blur", () => { results.hidden = true; });
  document.addEventListener("keydown", (event) => {
    if (event.target === search) return;
    if (event.key === "/") {
      event.preventDefault();
      search.focus();
    } else if (event.key === "Escape" && selected) {
      unselect();
    }
  });
})();

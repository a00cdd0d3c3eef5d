// 新規取引 form: lines (行を追加 / 削除, renumbered) and the 取引先 type-ahead combobox.
"use strict";

(() => {
  const form = document.querySelector("form[data-deal-form]");
  if (!form) return;
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

  // -- lines ------------------------------------------------------------------------------------------
  const rows = document.getElementById("line-rows");
  const rowTemplate = document.getElementById("line-template");
  // The labels of a line's controls ("勘定科目 1" …) as this UI version words them.
  const LINE_LABELS = JSON.parse(
    rowTemplate.dataset.labels || '{"account": "勘定科目", "tax": "税区分", "amount": "金額", "memo": "備考"}',
  );

  function renumber() {
    const all = rows.querySelectorAll('tr[data-testid="line-row"]');
    all.forEach((row, i) => {
      row.querySelector("[data-line-number]").textContent = String(i + 1);
      for (const [field, label] of Object.entries(LINE_LABELS)) {
        const control = row.querySelector(`[data-field="${field}"]`);
        const id = `lines-${i}-${field}`;
        control.name = id;
        control.id = id;
        control.setAttribute("aria-label", `${label} ${i + 1}`);
        const error = control.parentElement.querySelector(".field-error");
        if (error) {
          error.id = `${id}-error`;
          control.setAttribute("aria-describedby", error.id);
        }
      }
      row.querySelector("[data-remove-line]").hidden = all.length === 1;
    });
  }

  document.getElementById("add-line").addEventListener("click", () => {
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    rows.appendChild(row);
    renumber();
    row.querySelector('[data-field="account"]').focus();
  });

  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-line]");
    if (!button) return;
    button.closest("tr").remove();
    renumber();
  });

  // -- 取引先 type-ahead ----------------------------------------------------------------------------
  const input = document.getElementById("partner");
  const partnerId = form.querySelector('input[name="partner_id"]');
  const listbox = document.getElementById("partner-listbox");
  const DEBOUNCE_MS = 150;
  let timer = null;
  let generation = 0; // bumped on every keystroke and choice: answers to older requests are dropped
  let active = -1;

  const options = () => Array.from(listbox.querySelectorAll('[role="option"]'));

  function open() {
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function option(id, text) {
    const li = document.createElement("li");
    li.id = id;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.textContent = text;
    return li;
  }

  function render(partners, typed) {
    listbox.replaceChildren();
    partners.forEach((partner, i) => {
      const li = option(`partner-option-${i}`, partner.name);
      li.dataset.partnerId = String(partner.id);
      listbox.appendChild(li);
    });
    if (!partners.some((partner) => partner.name === typed)) {
      const li = option("partner-option-new", `「${typed}」を新しい取引先として登録`);
      li.setAttribute("data-new-partner", "");
      li.dataset.name = typed;
      listbox.appendChild(li);
    }
    active = -1;
    input.removeAttribute("aria-activedescendant");
    open();
  }

  async function search(typed, mine) {
    try {
      const response = await fetch(`/api/partners?q=${encodeURIComponent(typed)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      if (mine !== generation || document.activeElement !== input) return;
      render(body.partners, typed);
    } catch (error) {
      if (mine === generation) close();
    }
  }

  function select(id, name) {
    input.value = name;
    partnerId.value = String(id);
    close();
  }

  async function choose(li) {
    clearTimeout(timer);
    const mine = ++generation;
    if (!li.hasAttribute("data-new-partner")) {
      select(li.dataset.partnerId, li.textContent);
      return;
    }
    try {
      const response = await fetch("/api/partners", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken },
        credentials: "same-origin",
        body: JSON.stringify({ name: li.dataset.name }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const partner = await response.json();
      if (mine === generation) select(partner.id, partner.name);
    } catch (error) {
      if (mine === generation) close();
    }
  }

  input.addEventListener("input", () => {
    partnerId.value = ""; // the text changed: whatever was chosen no longer applies
    clearTimeout(timer);
    const mine = ++generation;
    const typed = input.value.trim();
    if (!typed) {
      close();
      return;
    }
    timer = setTimeout(() => search(typed, mine), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    const isOpen = !listbox.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options().length) return;
      event.preventDefault();
      if (!isOpen) open();
      if (event.key === "ArrowDown") highlight(active + 1);
      else highlight(active < 0 ? -1 : active - 1);
    } else if (event.key === "Enter" && isOpen && active >= 0) {
      event.preventDefault(); // choose, do not submit
      choose(options()[active]);
    } else if (event.key === "Escape" && isOpen) {
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", close);
  // Keep the focus in the input while clicking an option, so blur does not close the list first.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const li = event.target.closest('[role="option"]');
    if (li) choose(li);
  });
})();

"use strict";
// The project form's code pickers (projects/admin_pickers.py) offer only the chosen programme's
// codes, and the specific objectives only the chosen programme area's. A pick the new choice
// rules out is cleared rather than left to be refused on saving.
{
  const offer = (select, offered) => {
    for (const option of select.querySelectorAll("option[data-programme]")) {
      const keep = offered(option);
      option.hidden = !keep;
      option.disabled = !keep;
      if (!keep && option.selected) select.value = "";
    }
    for (const group of select.querySelectorAll("optgroup")) {
      group.hidden = !group.querySelector("option:not([hidden])");
    }
  };

  const update = () => {
    const pickers = document.querySelectorAll("select[data-code-picker]");
    const programmeSelect = document.getElementById("id_programme");
    const programme = programmeSelect
      ? programmeSelect.value
      : (pickers[0] && pickers[0].dataset.programme) || "";
    const areaSelect = document.getElementById("id_programme_area");
    // In page order: the area is narrowed (and maybe cleared) before the objectives read it.
    for (const select of pickers) {
      offer(select, (option) => {
        if (programme && option.dataset.programme !== programme) return false;
        const area = areaSelect && areaSelect.value;
        return !(area && option.dataset.area && option.dataset.area !== area);
      });
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const id of ["id_programme", "id_programme_area"]) {
      const select = document.getElementById(id);
      if (select) select.addEventListener("change", update);
    }
    update();
  });
}

// dossier workplace: small conveniences only; every page works without script.
document.addEventListener("DOMContentLoaded", () => {
  // Zoom of a page image (the viewer): buttons with data-zoom step the image's width.
  const image = document.querySelector("img.page-image[data-zoomable]");
  document.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      if (!image) return;
      const now = parseInt(image.dataset.width || "100", 10);
      const next = Math.max(50, Math.min(300, now + parseInt(button.dataset.zoom, 10)));
      image.dataset.width = String(next);
      image.style.maxWidth = "none";
      image.style.width = next + "%";
    });
  });
  // Confirm before an irreversible-looking action (the archive keeps everything anyway).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
// review, intake: a button with data-confirm asks before it submits its form (withdraw, move).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
});
// end of review, intake
// upload: files dragged onto the drop zone go into its file input (the form posts them as chosen files).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-dropzone]").forEach((zone) => {
    const input = zone.querySelector(`input[name="${zone.dataset.dropzone}"]`);
    const shown = zone.querySelector(".dropped");
    if (!input) return;
    const list = () => {
      if (shown) shown.textContent = Array.from(input.files).map((f) => f.name).join("、");
    };
    input.addEventListener("change", list);
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("over")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        list();
      }
    });
  });
});

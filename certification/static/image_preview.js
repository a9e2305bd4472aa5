// A chosen image is shown before it is uploaded: each file input with data-preview names the
// figure that shows it. A data: URL, since the page's policy allows images from 'self' and data:.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[type=file][data-preview]")) {
    const figure = document.getElementById(input.dataset.preview);
    if (!figure) continue;
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file || !file.type.startsWith("image/")) {
        figure.hidden = true;
        return;
      }
      const reader = new FileReader();
      reader.addEventListener("load", () => {
        figure.querySelector("img").src = reader.result;
        figure.hidden = false;
      });
      reader.readAsDataURL(file);
    });
  }
});

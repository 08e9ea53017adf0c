// "My files": upload with a progress bar and inline errors. Without this script
// the form posts normally and the page answers with the same messages.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = form.querySelector('input[type="file"]');
  var errors = document.getElementById("upload-errors");
  var progressRow = form.querySelector(".upload-progress");
  var progress = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = form.querySelector('button[type="submit"]');
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
  var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;

  function showError(text) {
    errors.textContent = "";
    var line = document.createElement("p");
    line.textContent = text;
    errors.appendChild(line);
    errors.hidden = false;
  }

  function finish() {
    button.disabled = false;
    progressRow.hidden = true;
    progress.value = 0;
    status.textContent = "";
  }

  input.addEventListener("change", function () {
    errors.hidden = true;
    var file = input.files[0];
    if (file && maxBytes && file.size > maxBytes) showError(form.dataset.msgTooLarge);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errors.hidden = true;
    var file = input.files[0];
    if (!file) return showError(form.dataset.msgChoose);
    if (maxBytes && file.size > maxBytes) return showError(form.dataset.msgTooLarge);

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      progress.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = form.dataset.msgUploading + " " + progress.value + "%";
    });
    xhr.upload.addEventListener("load", function () {
      progress.value = 100;
      status.textContent = form.dataset.msgProcessing;
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = null; }
      if (xhr.status === 201 && body && body.redirect) {
        window.location.assign(body.redirect);
        return;
      }
      finish();
      showError((body && body.detail) || form.dataset.msgFailed);
    });
    xhr.addEventListener("error", function () { finish(); showError(form.dataset.msgFailed); });
    button.disabled = true;
    progressRow.hidden = false;
    xhr.send(new FormData(form));
  });

  document.querySelectorAll(".delete-form").forEach(function (deleteForm) {
    deleteForm.addEventListener("submit", function (event) {
      if (!window.confirm(deleteForm.dataset.confirm)) event.preventDefault();
    });
  });
})();

// "We are preparing your file": check every few seconds, and when the worker is done show the
// page again with the download. Without JavaScript the "Check if your file is ready" link does it.
const watching = document.getElementById("data-file-watching");
if (watching) {
  watching.hidden = false;
  const check = async () => {
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, cache: "no-store" });
      const html = await response.text();
      if (!html.includes('id="data-file-watching"')) {
        window.location.reload();
        return;
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(check, 4000);
  };
  window.setTimeout(check, 4000);
}

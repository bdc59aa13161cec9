// Progressive enhancement for the "being prepared" page: it checks every few seconds by itself,
// keeps the rough time left up to date, and when the PDF is ready says so in the heading and in
// a live region, with the download link. Without JavaScript the "Check again" link does the job.
const status = document.getElementById("digest-status");
if (status) {
  const url = status.dataset.digestUrl;
  const watching = document.getElementById("digest-watching");
  const wait = document.getElementById("digest-wait");
  if (watching) watching.hidden = false;
  let tries = 0;
  const ready = () => {
    const heading = document.querySelector("h1");
    if (heading) heading.textContent = "Your PDF is ready";
    document.title = document.title.replace("Your PDF is being prepared", "Your PDF is ready");
    if (watching) watching.hidden = true;
    const checkAgain = document.getElementById("check-again");
    if (checkAgain) checkAgain.textContent = "Download the PDF";
    status.textContent = "Your PDF is ready. ";
    const link = document.createElement("a");
    link.href = url;
    link.className = "govuk-link";
    link.textContent = "Download the PDF";
    status.append(link);
  };
  const check = async () => {
    tries += 1;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const data = await response.json();
      if (data.state === "ready") {
        ready();
        return;
      }
      if (data.wait && wait) wait.textContent = data.wait;
    } catch (error) {
      // A network hiccup: try again on the next round.
    }
    if (tries < 100) setTimeout(check, 3000);
  };
  setTimeout(check, 3000);
}

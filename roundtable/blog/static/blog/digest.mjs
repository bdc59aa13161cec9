// Progressive enhancement for the "being prepared" page: ask every few seconds whether the PDF
// is ready and say so in a live region. Without JavaScript the "Check again" link does the job.
const status = document.getElementById("digest-status");
if (status) {
  const url = status.dataset.digestUrl;
  let tries = 0;
  const check = async () => {
    tries += 1;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const data = await response.json();
      if (data.state === "ready") {
        status.textContent = "Your PDF is ready. ";
        const link = document.createElement("a");
        link.href = url;
        link.className = "govuk-link";
        link.textContent = "Download the PDF";
        status.append(link);
        return;
      }
    } catch (error) {
      // A network hiccup: try again on the next round.
    }
    if (tries < 60) setTimeout(check, 3000);
  };
  setTimeout(check, 3000);
}

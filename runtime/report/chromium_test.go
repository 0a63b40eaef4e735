package report_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestHTMLInChromium renders the HTML report of storetest's report history
// in headless Chromium: the page as the browser built it has the journey's
// graph with one box per stage in written order, the funnel, one bar per
// stage in the funnel's order, and each split arm's interval;
// its screenshot is a picture of some size. Chromium is the Debian package
// `chromium` (.ci/run installs it); without it the test skips, except
// under CI.
func TestHTMLInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed")
		}
		t.Skip("chromium is not installed")
	}
	ctx := context.Background()
	s := memory.New()
	end, _ := storetest.ReportHistory(t, s)
	counts, err := s.Report(ctx, &store.ReportParams{Now: end})
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := report.Build(counts, report.Options{}).WriteHTML(&page, storetest.ReportJourneys(t)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	browse := func(args ...string) []byte {
		t.Helper()
		args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
			"--user-data-dir=" + filepath.Join(dir, "profile")}, args...)
		cmd := exec.CommandContext(ctx, chromium, append(args, "file://"+file)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out
	}

	doc, err := html.Parse(bytes.NewReader(browse("--dump-dom")))
	if err != nil {
		t.Fatal(err)
	}
	var funnels, graphs, arms int
	var bars, boxes []string
	var walk func(n *html.Node, in string)
	walk = func(n *html.Node, in string) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "svg" && attr(n, "class") == "funnel":
				funnels++
				in = "funnel"
			case n.Data == "svg" && attr(n, "class") == "graph":
				graphs++
				in = "graph"
			case n.Data == "svg" && attr(n, "class") == "arm":
				arms++
			case n.Data == "rect" && attr(n, "class") == "stage" && in == "funnel":
				bars = append(bars, attr(n, "data-stage")+" "+attr(n, "data-entered"))
			case n.Data == "rect" && attr(n, "class") == "box" && in == "graph":
				boxes = append(boxes, attr(n, "data-stage")+" "+attr(n, "data-entered"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, "")
	if funnels != 1 {
		t.Errorf("%d funnels, want 1", funnels)
	}
	if want := []string{"Welcome 10", "Engaged 2"}; strings.Join(bars, ", ") != strings.Join(want, ", ") {
		t.Errorf("the funnel's bars are %q, want %q", bars, want)
	}
	if graphs != 1 {
		t.Errorf("%d graphs, want 1", graphs)
	}
	if want := []string{"Welcome 10", "Engaged 2"}; strings.Join(boxes, ", ") != strings.Join(want, ", ") {
		t.Errorf("the graph's boxes are %q, want %q", boxes, want)
	}
	if arms != 2 {
		t.Errorf("%d split arms drawn, want 2", arms)
	}

	shot := filepath.Join(dir, "report.png")
	browse("--window-size=1100,1400", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1100 || b.Dy() != 1400 {
		t.Errorf("the screenshot is %v, want 1100×1400", b)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

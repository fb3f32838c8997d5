package tui

import (
	"context"

	"github.com/rivo/tview"
)

// LoadingPage is the first page of a UI: it says what the UI is loading
// while the work runs off the UI goroutine, and makes way for the main
// screen once it is done. The kABI UI shares it.
type LoadingPage struct {
	App   *tview.Application
	Pages *tview.Pages
	view  *tview.TextView
}

// loadingName is the loading page's name among the pages.
const loadingName = "loading"

// NewLoadingPage builds an application whose pages show the loading page,
// with title on its border.
func NewLoadingPage(title string) *LoadingPage {
	l := &LoadingPage{App: tview.NewApplication(), Pages: tview.NewPages(), view: tview.NewTextView().SetTextAlign(tview.AlignCenter)}
	l.view.SetBorder(true).SetTitle(title)
	l.Pages.AddPage(loadingName, l.view, true, true)
	l.App.SetRoot(l.Pages, true)
	return l
}

// Progress shows text (tview markup) on the loading page. Loaders call it
// from their own goroutine: it queues the change for the UI goroutine.
func (l *LoadingPage) Progress(text string) {
	l.App.QueueUpdateDraw(func() { l.setText(text) })
}

func (l *LoadingPage) setText(text string) { l.view.SetText("\n\n" + text) }

// Replace shows the main screen, on the UI goroutine, in place of the
// loading page.
func (l *LoadingPage) Replace(name string, main tview.Primitive) {
	l.Pages.AddPage(name, main, true, true)
	l.Pages.RemovePage(loadingName)
}

// RunLoading shows first on l's loading page, runs load off the UI
// goroutine and hands what it returns to show on the UI goroutine (show
// calls l.Replace), and runs the application until it stops (RunApp). A
// load error stops the application and is what RunLoading returns.
func RunLoading[T any](ctx context.Context, l *LoadingPage, first string, load func() (T, error), show func(T)) error {
	l.setText(first)
	// Written on the UI goroutine, read once the application has stopped.
	var loadErr error
	go func() {
		v, err := load()
		l.App.QueueUpdateDraw(func() {
			if err != nil {
				loadErr = err
				l.App.Stop()
				return
			}
			show(v)
		})
	}()
	return RunApp(ctx, l.App, func() error { return loadErr })
}

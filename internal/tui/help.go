package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// ShowHelp shows text, a help screen, as a page over the others; any key
// closes it and gives the keys back to what had them. The kABI UI shares
// it.
func ShowHelp(app *tview.Application, pages *tview.Pages, text string) {
	focus := app.GetFocus()
	help := tview.NewTextView().SetText(text)
	help.SetBorder(true).SetTitle(" keys ")
	help.SetInputCapture(func(*tcell.EventKey) *tcell.EventKey {
		pages.RemovePage("help")
		app.SetFocus(focus)
		return nil
	})
	pages.AddPage("help", help, true, true)
	app.SetFocus(help)
}

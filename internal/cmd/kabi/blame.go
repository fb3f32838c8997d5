package kabi

import (
	"errors"

	"github.com/urfave/cli/v2"
)

func blameCommand(_ *env) *cli.Command {
	return &cli.Command{
		Name:      "blame",
		Usage:     "find the commits of a range that changed each differing type (not implemented yet)",
		ArgsUsage: "<old-symtypes> <new-symtypes> <rev-range>",
		Flags:     []cli.Flag{&cli.StringFlag{Name: "repo", Usage: "kernel work tree `DIR`"}},
		Action: func(c *cli.Context) error {
			return errors.New("blame is not implemented yet: use git kabi compare, then git log -G on the changed member lines")
		},
	}
}

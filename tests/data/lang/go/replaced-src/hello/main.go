package main

import (
	"fmt"

	"example.com/lib"
	"example.com/local"
)

var version = "dev"

func main() { fmt.Println(lib.Name(), local.Name(), version) }

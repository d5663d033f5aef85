package local
func Name() string { return "local" }

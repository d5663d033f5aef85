module example.com/hello

go 1.19

require (
	example.com/lib v1.2.3
	example.com/local v0.1.0
)

replace example.com/lib => example.com/libfork v1.2.4

replace example.com/local => ../local

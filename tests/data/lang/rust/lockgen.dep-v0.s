	.section .dep-v0,"",@progbits
	.incbin "dep.zlib"
	.section .note.GNU-stack,"",@progbits

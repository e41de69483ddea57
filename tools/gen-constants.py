#!/usr/bin/env python3
"""Derives the SHA-2 constants from their definition in FIPS 180-4 section 4.2 / 5.3
(fractional parts of square and cube roots of the first primes), so no table is typed by hand.
Prints C initialisers; the output is pasted into native/sha256.h and native/sha512.h."""

def primes(n):
    out, k = [], 2
    while len(out) < n:
        if all(k % p for p in out):
            out.append(k)
        k += 1
    return out

def iroot(x, r):
    lo, hi = 0, 1 << (x.bit_length() // r + 2)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid ** r <= x: lo = mid
        else: hi = mid - 1
    return lo

def frac_root(p, r, bits):
    # floor(frac(p^(1/r)) * 2^bits), computed exactly with integers
    return iroot(p << (bits * r), r) & ((1 << bits) - 1)

def table(name, ctype, values, bits, per_line):
    width = bits // 4
    lines = []
    for i in range(0, len(values), per_line):
        chunk = values[i:i + per_line]
        suffix = "ULL" if bits == 64 else "u"
        lines.append("    " + ", ".join(f"0x{v:0{width}x}{suffix}" for v in chunk) + ",")
    return f"static const {ctype} {name}[{len(values)}] = {{\n" + "\n".join(lines) + "\n};"

print(table("SHA256_K", "uint32_t", [frac_root(p, 3, 32) for p in primes(64)], 32, 8))
print(table("SHA256_IV", "uint32_t", [frac_root(p, 2, 32) for p in primes(8)], 32, 8))
print(table("SHA512_K", "uint64_t", [frac_root(p, 3, 64) for p in primes(80)], 64, 4))
print(table("SHA512_IV", "uint64_t", [frac_root(p, 2, 64) for p in primes(8)], 64, 4))

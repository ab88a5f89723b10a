# SPDX-License-Identifier: GPL-2.0
#
# Rates and ratios from the marks run.sh stamped with the host's clock:
#   <host seconds> BENCH begin <path> <size> <round>
#   <host seconds> BENCH end <path> <size> <round> <frames>
# For each size: each run's rate, each path's mean, and V/D (pci-pktgen:
# vDPA over direct) or O/U (datapath: ours over upstream's) as the ratio
# of the means with its spread (lowest and highest run over the mean).
#   <host seconds> BENCH clock <tag> <phase>-begin|<phase>-end <guest seconds>
# For each phase: how long it took by the guest's clock and by the host's.
#   <host seconds> BENCH result <metric> <stack> <pass> <value> <unit>
# For each metric: each pass's value, each stack's mean, and O/U (ours over
# upstream's) as the ratio of the means with its spread (lowest and
# highest O pass over the mean U).

$3 == "clock" {
	phase = $5
	sub(/-(begin|end)$/, "", phase)
	if ($5 ~ /-begin$/) {
		hc[$4, phase] = $1
		gc[$4, phase] = $6
	} else if (($4, phase) in hc) {
		printf "  clock %s %s: guest %.2fs, host %.2fs\n", $4, phase, \
			$6 - gc[$4, phase], $1 - hc[$4, phase]
	}
	next
}
$3 == "result" {
	printf "  pass %s %s %-16s %10s %s\n", $6, $5, $4, $7, $8
	if (!($4 in unit)) {
		metrics[++nmetrics] = $4
		unit[$4] = $8
	}
	k = $4 SUBSEP $5
	rsum[k] += $7
	rn[k]++
	if (!(k in rlo) || $7 + 0 < rlo[k])
		rlo[k] = $7
	if (!(k in rhi) || $7 + 0 > rhi[k])
		rhi[k] = $7
	next
}
$3 == "begin" { t0[$4, $5, $6] = $1 }
$3 == "end" && (($4, $5, $6) in t0) {
	dt = $1 - t0[$4, $5, $6]
	if (dt <= 0)
		next
	rate = $7 / dt
	printf "  run %s %-2s %5s B: %8d frames in %6.2fs = %9.0f pps\n", \
		$6, $4, $5, $7, dt, rate
	sum[$4, $5] += rate
	n[$4, $5]++
	if (!(($4, $5) in lo) || rate < lo[$4, $5])
		lo[$4, $5] = rate
	if (!(($4, $5) in hi) || rate > hi[$4, $5])
		hi[$4, $5] = rate
	sizes[$5] = 1
}
END {
	for (i = 1; i <= nmetrics; i++) {
		m = metrics[i]
		for (st = 1; st <= 2; st++) {
			k = m SUBSEP (st == 1 ? "O" : "U")
			if (rn[k])
				printf "%-16s %s: %10.1f %-5s (%d runs, %.1f..%.1f)\n", \
					m, st == 1 ? "O" : "U", rsum[k] / rn[k], \
					unit[m], rn[k], rlo[k], rhi[k]
		}
		o = m SUBSEP "O"
		u = m SUBSEP "U"
		if (!rn[o] || !rn[u] || rsum[u] <= 0)
			continue
		mu = rsum[u] / rn[u]
		printf "%-16s O/U = %.3f (spread %.3f..%.3f)\n", m, \
			rsum[o] / rn[o] / mu, rlo[o] / mu, rhi[o] / mu
	}
	for (s in sizes) {
		pair(s, "D", "V", "direct", "vdpa")
		pair(s, "U", "O", "upstream", "ours")
	}
}

# For frames of size s: the rates of paths a and b, and b/a.
function pair(s, a, b, aname, bname,    x, y) {
	if (!n[a, s] || !n[b, s])
		return
	x = sum[a, s] / n[a, s]
	y = sum[b, s] / n[b, s]
	printf "%5s B: %s %9.0f pps (%d runs, %.0f..%.0f), " \
	       "%s %9.0f pps (%d runs, %.0f..%.0f)\n", s, aname, x, n[a, s], \
	       lo[a, s], hi[a, s], bname, y, n[b, s], lo[b, s], hi[b, s]
	printf "%5s B: %s/%s = %.3f (spread %.3f..%.3f)\n", s, b, a, y / x, \
	       lo[b, s] / x, hi[b, s] / x
}

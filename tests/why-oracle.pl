#!/usr/bin/perl
# tests/why-oracle.pl - the attribution oracle of the tests: IRQ and
# softirq time per zap interval, computed from `trace-cmd report -t` text
# (or lines in its format made from a database's events), independently
# of zapd (which reads the binary records and never this text).
#
# usage: trace-cmd report -t -i x.dat | tests/why-oracle.pl
# prints one line per zap_present_ptes_start..done interval:
#   PID START_NS IRQ_NS SOFTIRQ_NS
# The rules (docs/events.md, "Why was it slow"): per CPU, handler entries
# and exits nest (irq_vectors:*_entry/_exit and irq:irq_handler_* are hard
# IRQs, irq:softirq_* softirqs); a handler's time minus the handlers
# nested in it (and NMIs, nmi_handler delta_ns) is charged to the task it
# interrupted (the exit line's pid); an interval's time is what was
# charged to its task between its start and its done.
use strict;
use warnings;

my (%nest, %spans, %open, @iv);
while (my $l = <STDIN>) {
	next unless $l =~ /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d{9}):\s+(\w+):\s*(.*)$/;
	my ($pid, $cpu, $ts, $ev, $rest) = ($2 + 0, $3 + 0, $4 * 1000000000 + $5, $6, $7);
	my $st = ($nest{$cpu} //= []);
	if ($ev eq 'zap_present_ptes_start') {
		$open{$pid} = $ts;
	} elsif ($ev eq 'zap_present_ptes_done') {
		push @iv, [$pid, delete $open{$pid}, $ts] if defined $open{$pid};
	} elsif ($ev =~ /_entry$/) {
		push @$st, [$ev eq 'softirq_entry' ? 'soft' : 'hard', $ts, 0];
	} elsif ($ev =~ /_exit$/) {
		my $type = $ev eq 'softirq_exit' ? 'soft' : 'hard';
		if (!@$st || $st->[-1][0] ne $type) { @$st = (); next }
		my $f = pop @$st;
		my $dur = $ts - $f->[1];
		$st->[-1][2] += $dur if @$st;
		push @{$spans{$pid}}, [$type, $f->[1], $ts, $dur - $f->[2]];
	} elsif ($ev eq 'nmi_handler' && $rest =~ /delta_ns=(\d+)/) {
		$st->[-1][2] += $1 if @$st;
	}
}

my %ix;		# per pid: the first span that can still matter
for my $iv (sort { $a->[1] <=> $b->[1] } @iv) {
	my ($pid, $s, $e) = @$iv;
	my ($irq, $soft) = (0, 0);
	my $sp = $spans{$pid} // [];
	my $i = $ix{$pid} // 0;
	$i++ while $i < @$sp && $sp->[$i][2] < $s;
	$ix{$pid} = $i;
	for (my $j = $i; $j < @$sp && $sp->[$j][1] <= $e; $j++) {
		next unless $sp->[$j][1] >= $s && $sp->[$j][2] <= $e;
		$irq += $sp->[$j][3] if $sp->[$j][0] eq 'hard';
		$soft += $sp->[$j][3] if $sp->[$j][0] eq 'soft';
	}
	print "$pid $s $irq $soft\n";
}

# tests/WhyOracle.pm - the oracles of the attribution tests (tests/vm/why.t,
# tests/import/why.t), independent of zapd: zapd reads binary records,
# these read `trace-cmd report -t` text (or lines in its format made from
# a database's stored events) and the workloads' own output.
#
#   irq_oracle(CMD)  IRQ and softirq time per zap interval: { "PID START"
#                    => [IRQ_NS, SOFTIRQ_NS] } from the report lines CMD
#                    prints. The rules (docs/events.md, "Why was it
#                    slow"): per CPU, handler entries and exits nest
#                    (irq_vectors:*_entry/_exit and irq:irq_handler_* are
#                    hard IRQs, irq:softirq_* softirqs); a handler's time
#                    minus the handlers nested in it (and NMIs, nmi_handler
#                    delta_ns) is charged to the task it interrupted (the
#                    exit line's pid); an interval gets what was charged
#                    to its task between its start and its done.
#   phases(FILE)     [pid, t0, t1, caller] windows of a callers.c or
#                    oom-reap.c output (CLOCK_MONOTONIC ns)
#   main_pid(FILE)   its pid= line
#   expected(PH, MAIN, PID, COMM, TS)  the caller an item of PID (COMM)
#                    at TS must have; undef: not the workload's
package WhyOracle;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT = qw(irq_oracle phases main_pid expected);

sub slurp { my ($f) = @_; open(my $h, '<', $f) or return undef; local $/; my $s = <$h>; close $h; $s }

# spans - read report lines: intervals [pid, start, done] and per pid the
# handler spans [type, entry, exit, self_ns]
sub spans {
	my ($h) = @_;
	my (%nest, %spans, %open, @iv);
	while (my $l = <$h>) {
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
	return (\@iv, \%spans);
}

sub irq_oracle {
	my ($cmd) = @_;
	open(my $h, '-|', $cmd) or die "$cmd: $!";
	my ($iv, $spans) = spans($h);
	close $h;
	my (%o, %ix);	# %ix: per pid, the first span that can still matter
	for my $v (sort { $a->[1] <=> $b->[1] } @$iv) {
		my ($pid, $s, $e) = @$v;
		my ($irq, $soft) = (0, 0);
		my $sp = $spans->{$pid} // [];
		my $i = $ix{$pid} // 0;
		$i++ while $i < @$sp && $sp->[$i][2] < $s;
		$ix{$pid} = $i;
		for (my $j = $i; $j < @$sp && $sp->[$j][1] <= $e; $j++) {
			next unless $sp->[$j][1] >= $s && $sp->[$j][2] <= $e;
			$irq += $sp->[$j][3] if $sp->[$j][0] eq 'hard';
			$soft += $sp->[$j][3] if $sp->[$j][0] eq 'soft';
		}
		$o{"$pid $s"} = [$irq, $soft];
	}
	return \%o;
}

sub phases {
	my ($f) = @_;
	my (@p, %start);
	for (split /\n/, slurp($f) // '') {
		my %h = map { split /=/, $_, 2 } grep { /=/ } split / /;
		next unless $h{phase};
		if ($h{phase} eq 'exit-start') { $start{$h{pid}} = $h{t0}; next }
		if ($h{phase} eq 'exit-end') {
			push @p, [$h{pid}, $start{$h{pid}}, $h{t1}, 'exit'] if defined $start{$h{pid}};
			next;
		}
		push @p, [$h{pid}, $h{t0}, $h{t1}, $h{caller}] if defined $h{pid};
		# the reaper kthread works for this workload from t0 on
		push @p, ['oom_reaper', $h{t0}, 9e18, 'oom_reaper'] if $h{phase} eq 'oom';
	}
	return \@p;
}

sub main_pid { my ($f) = @_; (slurp($f) // '') =~ /^pid=(\d+)$/m ? $1 : -1 }

# the workload's main process only execs (exit_mmap of the old mm) and
# exits; its children's zaps fall in their phases
sub expected {
	my ($ph, $main, $pid, $comm, $ts) = @_;
	for my $p (@$ph) {
		next unless $ts >= $p->[1] && $ts <= $p->[2];
		return $p->[3] if $p->[0] eq $pid ||
				  ($p->[0] eq 'oom_reaper' && $comm eq 'oom_reaper');
	}
	return 'exit' if $pid == $main;
	return undef;
}

1;

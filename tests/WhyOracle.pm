# tests/WhyOracle.pm - the oracles of the attribution tests (tests/vm/why.t,
# tests/import/why.t), independent of zapd: zapd reads binary records,
# these read `trace-cmd report -t` text (or lines in its format made from
# a database's stored events) and the workloads' own output.
#
#   irq_oracle(CMD[, START, END])  IRQ, softirq and switched-out time
#                    per interval (START..END events of a task, default
#                    the zap start/done): { "PID START" => [IRQ_NS,
#                    SOFTIRQ_NS, SCHED_NS] } from the report lines CMD
#                    prints. The rules (docs/events.md, "Why was it
#                    slow"): per CPU, handler entries and exits nest
#                    (irq_vectors:*_entry/_exit and irq:irq_handler_* are
#                    hard IRQs, irq:softirq_* softirqs); a handler's time
#                    minus the handlers nested in it (and NMIs, nmi_handler
#                    delta_ns) is charged to the task it interrupted (the
#                    exit line's pid); a task is switched out from the
#                    sched_switch that has it as prev to the one that has
#                    it as next; an interval gets what lies between its
#                    start and its end.
#   phases(FILE)     [pid, t0, t1, caller] windows of a callers.c or
#                    oom-reap.c output (CLOCK_MONOTONIC ns)
#   main_pid(FILE)   its pid= line
#   expected(PH, MAIN, PID, COMM, TS)  the caller an item of PID (COMM)
#                    at TS must have; undef: not the workload's
#   sql(DB, QUERY), one(DB, QUERY)  rows ([columns]) and the first value
#                    of a query through sqlite3(1), for the assertions
package WhyOracle;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT = qw(irq_oracle phases main_pid expected sql one);

sub sql {
	my ($db, $q) = @_;
	open(my $h, '-|', 'sqlite3', '-separator', '|', $db, $q) or die "sqlite3: $!";
	my @rows = map { chomp; [split /\|/, $_, -1] } <$h>;
	close $h;
	return @rows;
}

sub one { my @r = sql(@_); return @r ? $r[0][0] : undef }

sub slurp { my ($f) = @_; open(my $h, '<', $f) or return undef; local $/; my $s = <$h>; close $h; $s }

# switch - prev and next pid of a sched_switch line: trace-cmd's text
# (COMM:PID [PRIO] STATE ==> COMM:PID [PRIO]) or prev_pid=/next_pid=
sub switch {
	my ($rest) = @_;
	return ($1, $2) if $rest =~ /prev_pid=(\d+).*next_pid=(\d+)/;
	return ($1, $2) if $rest =~ /:(\d+) \[-?\d+\] \S+ ==> .*:(\d+) \[-?\d+\]\s*$/;
	return;
}

# spans - read report lines: intervals [pid, start, end] and per pid the
# handler and switched-out spans [type, from, to, self_ns]
sub spans {
	my ($h, $start, $end) = @_;
	my (%nest, %spans, %open, %out, @iv);
	while (my $l = <$h>) {
		next unless $l =~ /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d{9}):\s+(\w+):\s*(.*)$/;
		my ($pid, $cpu, $ts, $ev, $rest) = ($2 + 0, $3 + 0, $4 * 1000000000 + $5, $6, $7);
		my $st = ($nest{$cpu} //= []);
		if ($ev eq $start) {
			$open{$pid} = $ts;
		} elsif ($ev eq $end) {
			push @iv, [$pid, delete $open{$pid}, $ts] if defined $open{$pid};
		} elsif ($ev eq 'sched_switch') {
			my ($prev, $next) = switch($rest) or next;
			$out{$prev} = $ts if $prev != $next;
			push @{$spans{$next}}, ['sched', $out{$next}, $ts, $ts - $out{$next}]
				if defined $out{$next};
			delete $out{$next};
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
	my ($cmd, $start, $end) = @_;
	open(my $h, '-|', $cmd) or die "$cmd: $!";
	my ($iv, $spans) = spans($h, $start // 'zap_present_ptes_start',
				 $end // 'zap_present_ptes_done');
	close $h;
	my (%o, %ix);	# %ix: per pid, the first span that can still matter
	for my $v (sort { $a->[1] <=> $b->[1] } @$iv) {
		my ($pid, $s, $e) = @$v;
		my %t = (hard => 0, soft => 0, sched => 0);
		my $sp = $spans->{$pid} // [];
		my $i = $ix{$pid} // 0;
		$i++ while $i < @$sp && $sp->[$i][2] < $s;
		$ix{$pid} = $i;
		for (my $j = $i; $j < @$sp && $sp->[$j][1] <= $e; $j++) {
			next unless $sp->[$j][1] >= $s && $sp->[$j][2] <= $e;
			$t{$sp->[$j][0]} += $sp->[$j][3];
		}
		$o{"$pid $s"} = [$t{hard}, $t{soft}, $t{sched}];
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

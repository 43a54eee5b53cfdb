using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Retail.Hosting;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Tests.Cluster;

namespace Retail.Tests.Registers;

/// <summary>The register gauges as a silo registers them: ages by the silo's clock, and only the registers of that silo.</summary>
public sealed class RegisterMetricsTests
{
    private static ServiceProvider Silo(TimeProvider clock) =>
        new ServiceCollection().AddSingleton(clock).AddGrainMetrics().BuildServiceProvider();

    private static RegisterView Register(DateTimeOffset shiftOpenedAt, DateTimeOffset oldestUnconfirmedAt) =>
        new("till-1", "s1", "emulated", "9960440300123456", "0000000001", 3,
            new ShiftView(1, true, shiftOpenedAt, 1, false), new OfdView(2, oldestUnconfirmedAt, 2, false, true), TaxationSystem.Osn, "7707083893", 105);

    [Fact]
    public void Shift_and_oldest_unconfirmed_ages_move_with_the_silos_clock()
    {
        var clock = new ManualClock();
        using var silo = Silo(clock);
        using var gauges = new Gauges(silo);
        var now = clock.GetUtcNow();
        silo.GetRequiredService<RegisterMetrics>().Observe("till-1", Register(shiftOpenedAt: now, oldestUnconfirmedAt: now.AddDays(-1)));

        var before = gauges.Read();
        clock.Advance(TimeSpan.FromHours(23));
        var after = gauges.Read();

        // The clock also runs in real time between the two reads: a minute's slack.
        Assert.InRange(after["retail.shift.open.age"] - before["retail.shift.open.age"], 23 * 3600, 23 * 3600 + 60);
        Assert.InRange(after["retail.ofd.oldest_unconfirmed.age"], 47 * 3600, 47 * 3600 + 60);
    }

    [Fact]
    public void A_silo_reports_its_own_registers_only()
    {
        using var first = Silo(TimeProvider.System);
        using var second = Silo(TimeProvider.System);
        using var firstGauges = new Gauges(first);
        using var secondGauges = new Gauges(second);

        first.GetRequiredService<RegisterMetrics>().Observe("till-1", Register(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        Assert.Equal(2, firstGauges.Read()["retail.ofd.unconfirmed"]);
        Assert.False(secondGauges.Read().ContainsKey("retail.ofd.unconfirmed"));
    }

    /// <summary>The last value of each per-register gauge of one silo's meter factory.</summary>
    private sealed class Gauges : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly Dictionary<string, double> last = new(StringComparer.Ordinal);

        public Gauges(IServiceProvider silo)
        {
            var meters = silo.GetRequiredService<IMeterFactory>();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters))
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Note(instrument, value, tags));
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Note(instrument, value, tags));
            listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Note(instrument, value, tags));
            listener.Start();
        }

        private void Note(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
                if (tag.Key == "register")
                    last[instrument.Name] = value;
        }

        public IReadOnlyDictionary<string, double> Read()
        {
            last.Clear();
            listener.RecordObservableInstruments();
            return new Dictionary<string, double>(last);
        }

        public void Dispose() => listener.Dispose();
    }
}

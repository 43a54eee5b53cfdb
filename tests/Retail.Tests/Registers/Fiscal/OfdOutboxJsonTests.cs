using System.Collections.Immutable;
using System.Text.Json;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class OfdOutboxJsonTests
{
    private static readonly TimeSpan Moscow = TimeSpan.FromHours(3);
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 15, 30, Moscow);

    private static ImmutableArray<OfdOutboxEntry> RoundTrip(ImmutableArray<OfdOutboxEntry> outbox, out string json)
    {
        json = JsonSerializer.Serialize(outbox, new JsonSerializerOptions(RegisterGrain.Json) { Converters = { new OfdOutboxJson() } });
        return JsonSerializer.Deserialize<ImmutableArray<OfdOutboxEntry>>(json, new JsonSerializerOptions(RegisterGrain.Json) { Converters = { new OfdOutboxJson() } });
    }

    [Fact]
    public void An_outbox_that_follows_on_is_written_short_and_read_back_exactly()
    {
        ImmutableArray<OfdOutboxEntry> outbox = [.. Enumerable.Range(0, 60).Select(i => new OfdOutboxEntry(1201 + i, At.AddMilliseconds(i * 1234)))];
        var back = RoundTrip(outbox, out var json);
        Assert.Equal(outbox.ToArray(), back.ToArray());
        Assert.All(back, e => Assert.Equal(Moscow, e.DateTime.Offset));
        Assert.StartsWith("{\"from\":1201,\"offsetMinutes\":180,\"steps\":[", json);
        Assert.True(json.Length < 60 * 8, $"{json.Length} characters for 60 entries");
    }

    [Fact]
    public void Gaps_mixed_offsets_and_the_old_list_form_keep_every_entry()
    {
        ImmutableArray<OfdOutboxEntry> gapped = [new(5, At), new(7, At.AddSeconds(1))];
        ImmutableArray<OfdOutboxEntry> mixed = [new(5, At), new(6, At.ToOffset(TimeSpan.FromHours(5)))];
        Assert.Equal(gapped.ToArray(), RoundTrip(gapped, out var gappedJson).ToArray());
        Assert.StartsWith("[", gappedJson);
        Assert.Equal(mixed.ToArray(), RoundTrip(mixed, out _).ToArray());
        Assert.Equal(mixed.Select(e => e.DateTime.Offset), RoundTrip(mixed, out _).Select(e => e.DateTime.Offset));
        Assert.True(RoundTrip([], out _).IsEmpty);
        Assert.True(RoundTrip(default, out var none).IsDefault);
        Assert.Equal("null", none);

        // A journal row written before the short form: the entries as objects.
        var old = $"{{\"registerId\":\"r\",\"ofdOutbox\":[{{\"fiscalDocumentNumber\":3,\"dateTime\":\"2026-12-03T10:15:30+03:00\"}}]}}";
        var read = JsonSerializer.Deserialize<Holder>(old, RegisterGrain.Json)!;
        Assert.Equal([new OfdOutboxEntry(3, At)], read.OfdOutbox.ToArray());
    }

    private sealed record Holder(string RegisterId, [property: System.Text.Json.Serialization.JsonConverter(typeof(OfdOutboxJson))] ImmutableArray<OfdOutboxEntry> OfdOutbox);
}

using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Registers.Fiscal;

/// <summary>
/// The OFD outbox as a register's journal stores it after every document. Its FD numbers follow one another
/// (the drive numbers every document, and the operator confirms from the oldest), so it is written as the first
/// number, the offset and the times as millisecond steps: <c>{"from":1201,"offsetMinutes":180,"steps":[t0,d1,d2...]}</c>,
/// a few bytes an entry instead of an object each. An outbox that does not follow on, or mixes offsets, is written
/// as the list of entries, the form every journal row had before; both are read.
/// </summary>
public sealed class OfdOutboxJson : JsonConverter<ImmutableArray<OfdOutboxEntry>>
{
    public override bool HandleNull => true;

    public override ImmutableArray<OfdOutboxEntry> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.StartArray:
                return [.. JsonSerializer.Deserialize<OfdOutboxEntry[]>(ref reader, options) ?? []];
            case JsonTokenType.StartObject:
                long from = 0, offset = 0;
                var steps = new List<long>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    reader.Read();
                    switch (name)
                    {
                        case "from": from = reader.GetInt64(); break;
                        case "offsetMinutes": offset = reader.GetInt64(); break;
                        case "steps":
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                                steps.Add(reader.GetInt64());
                            break;
                        default: reader.Skip(); break;
                    }
                }
                var entries = ImmutableArray.CreateBuilder<OfdOutboxEntry>(steps.Count);
                var at = 0L;
                for (var i = 0; i < steps.Count; i++)
                {
                    at += steps[i];
                    entries.Add(new OfdOutboxEntry(from + i,
                        DateTimeOffset.FromUnixTimeMilliseconds(at).ToOffset(TimeSpan.FromMinutes(offset))));
                }
                return entries.MoveToImmutable();
            default:
                throw new JsonException("An OFD outbox is a list of entries or {from, offsetMinutes, steps}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, ImmutableArray<OfdOutboxEntry> value, JsonSerializerOptions options)
    {
        if (value.IsDefault)
        {
            writer.WriteNullValue();
            return;
        }
        if (!IsCompact(value))
        {
            JsonSerializer.Serialize(writer, value.ToArray(), options);
            return;
        }
        writer.WriteStartObject();
        writer.WriteNumber("from", value.IsEmpty ? 0 : value[0].FiscalDocumentNumber);
        writer.WriteNumber("offsetMinutes", value.IsEmpty ? 0 : (long)value[0].DateTime.Offset.TotalMinutes);
        writer.WriteStartArray("steps");
        var previous = 0L;
        foreach (var entry in value)
        {
            var at = entry.DateTime.ToUnixTimeMilliseconds();
            writer.WriteNumberValue(at - previous);
            previous = at;
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Numbers that follow on, one offset, no time finer than a millisecond: nothing the short form would lose.</summary>
    private static bool IsCompact(ImmutableArray<OfdOutboxEntry> outbox)
    {
        for (var i = 0; i < outbox.Length; i++)
        {
            var entry = outbox[i];
            if (entry.FiscalDocumentNumber != outbox[0].FiscalDocumentNumber + i || entry.DateTime.Offset != outbox[0].DateTime.Offset
                || entry.DateTime.Offset.Ticks % TimeSpan.TicksPerMinute != 0 || entry.DateTime.UtcTicks % TimeSpan.TicksPerMillisecond != 0)
                return false;
        }
        return true;
    }
}

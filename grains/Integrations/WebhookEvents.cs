using System.Text;
using System.Text.Json;
using Retail.Documents;
using Retail.Registers;

namespace Retail.Integrations;

/// <summary>An event as a receiver gets it: <see cref="Body"/> is <c>{id, type, occurredAt, data}</c>, made once and sent as is on every attempt.</summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset OccurredAt, string? StoreId, string Body);

/// <summary>
/// Which events a journal entry announces: a receipt <c>receipt.fiscalized</c> (and <c>receipt.ereceipt</c> when its buyer
/// gave an e-mail or phone), a document transition the events it journaled.
/// </summary>
public static class WebhookEvents
{
    public static IEnumerable<WebhookEvent> From(JournalEntry entry)
    {
        switch (entry.Kind)
        {
            case JournalKinds.Receipt:
                using (var document = JsonDocument.Parse(entry.Document))
                {
                    var receipt = document.RootElement.GetProperty("receipt");
                    var name = $"{receipt.GetProperty("fnSerial").GetString()}:{receipt.GetProperty("fiscalDocumentNumber").GetInt64()}";
                    var events = new List<WebhookEvent> { Make($"receipt:{name}", WebhookEventTypes.ReceiptFiscalized, entry.RecordedAt, entry.StoreId, receipt.GetRawText()) };
                    if (receipt.TryGetProperty("customerContact", out var contact) && contact.ValueKind == JsonValueKind.String)
                        events.Add(Make($"ereceipt:{name}", WebhookEventTypes.ReceiptEReceipt, entry.RecordedAt, entry.StoreId, receipt.GetRawText()));
                    events.AddRange(Gap(document.RootElement, entry));
                    return events;
                }
            case JournalKinds.ShiftOpen or JournalKinds.ShiftClose or JournalKinds.StateReport:
                using (var document = JsonDocument.Parse(entry.Document))
                    return Gap(document.RootElement, entry).ToList();
            case DocumentJournal<object>.Kind:
                return DocumentEntry.Read(entry.Document).Events
                    .Where(e => WebhookEventTypes.All.Contains(e.Type))
                    .Select(e => Make(e.Id, e.Type, e.OccurredAt, e.StoreId, e.Data))
                    .ToList();
            default:
                return [];
        }
    }

    /// <summary>The gap a device register's document revealed (FD numbers its till has not reported), journaled with it.</summary>
    private static IEnumerable<WebhookEvent> Gap(JsonElement document, JournalEntry entry)
    {
        if (!document.TryGetProperty("gap", out var gap) || gap.ValueKind != JsonValueKind.Object)
            yield break;
        yield return Make($"gap:{gap.GetProperty("eventId").GetString()}", WebhookEventTypes.RegisterGap, entry.RecordedAt, entry.StoreId, JsonSerializer.Serialize(new
        {
            registerId = gap.GetProperty("registerId").GetString(), storeId = gap.GetProperty("storeId").GetString(),
            fnSerial = gap.GetProperty("fnSerial").GetString(), firstMissing = gap.GetProperty("firstMissing").GetInt64(),
            lastMissing = gap.GetProperty("lastMissing").GetInt64(),
        }, RegisterGrain.Json));
    }

    /// <summary>A store's stock alert (<c>stock.low</c>, <c>stock.negative</c>): the pair's level when it crossed the line.</summary>
    public static WebhookEvent From(Stock.StockAlert alert) =>
        Make(alert.EventId, alert.Type, alert.OccurredAt, alert.Level.StoreId, JsonSerializer.Serialize(new
        {
            alert.Level.StoreId, alert.Level.Sku, alert.Level.OnHand, alert.Level.Reserved, alert.Level.Available,
            alert.Level.Incoming, alert.Level.Version, alert.ReorderPoint,
        }, RegisterGrain.Json));

    public static WebhookEvent Make(string id, string type, DateTimeOffset occurredAt, string? storeId, string data) =>
        new(id, type, occurredAt, storeId, Body(id, type, occurredAt, data));

    private static string Body(string id, string type, DateTimeOffset occurredAt, string data)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("type", type);
            json.WriteString("occurredAt", occurredAt);
            json.WritePropertyName("data");
            json.WriteRawValue(data);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

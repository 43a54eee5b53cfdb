using System.Globalization;
using Retail.Common;

namespace Retail.Stock;

/// <summary>
/// The effect of each movement type on a pair's quantities (INVENTORY.md). Pure: the grain decides
/// when to apply, this decides what applying means.
/// </summary>
public static class StockRules
{
    public const int MaxReasonLength = 256;

    /// <summary>No real movement is this large; a bigger figure is a typo or an attack.</summary>
    public const decimal MaxQuantity = 1_000_000_000m;

    /// <summary>
    /// The reason of a withdrawal of incoming for goods that never arrived (a transfer's short receipt): it
    /// takes out at most what is still incoming, since other deliveries may have taken the rest in.
    /// </summary>
    public const string LossInTransit = "lossInTransit";

    /// <summary>Checks a movement on its own, before any stock is looked at.</summary>
    public static DomainError? Validate(StockMovement movement)
    {
        if (!Identifiers.IsValidClientId(movement.Id))
            return new DomainError(ErrorCodes.ValidationFailed, "A movement id is 1 to 128 printable characters.", "id");
        if (!Enum.IsDefined(movement.Type))
            return new DomainError(ErrorCodes.ValidationFailed, "Unknown movement type.", "type");
        if (!Quantity.HasAtMostThreeDecimals(movement.Quantity))
            return new DomainError(ErrorCodes.ValidationFailed, "A quantity has at most 3 decimals.", "quantity");
        if (Math.Abs(movement.Quantity) > MaxQuantity)
            return new DomainError(ErrorCodes.ValidationFailed, $"A quantity is at most {MaxQuantity} in size.", "quantity");
        if (movement.ExpectedOnHand is { } expected && !Quantity.HasAtMostThreeDecimals(expected))
            return new DomainError(ErrorCodes.ValidationFailed, "A quantity has at most 3 decimals.", "expectedOnHand");
        if (!PlainText.IsPlain(movement.Reason))
            return new DomainError(ErrorCodes.ValidationFailed, "A reason may not contain control characters.", "reason");
        if (movement.Reason is { Length: > MaxReasonLength })
            return new DomainError(ErrorCodes.ValidationFailed, $"A reason is at most {MaxReasonLength} characters.", "reason");

        var quantityOk = movement.Type switch
        {
            MovementType.Correction or MovementType.Incoming => movement.Quantity != 0,
            MovementType.CountAdjustment => movement.Quantity >= 0,
            _ => movement.Quantity > 0,
        };
        if (!quantityOk)
        {
            var rule = movement.Type switch
            {
                MovementType.Correction or MovementType.Incoming => "must not be zero",
                MovementType.CountAdjustment => "(the counted figure) must not be negative",
                _ => "must be greater than zero",
            };
            return new DomainError(ErrorCodes.ValidationFailed, $"The quantity of a {movement.Type} movement {rule}.", "quantity");
        }
        return null;
    }

    /// <summary>
    /// Applies a valid movement to the current level: the ledger record to append, or the refusal.
    /// Sales never fail for lack of stock (a fiscal receipt is a fact); only reservations are refused.
    /// </summary>
    public static (StockMovementRecord? Record, DomainError? Error) Apply(StockLevel level, StockMovement movement, DateTimeOffset now)
    {
        var q = movement.Quantity;
        decimal onHand = 0, reserved = 0, incoming = 0;
        switch (movement.Type)
        {
            case MovementType.Sale:
            case MovementType.TransferOut:
            case MovementType.WriteOff:
            case MovementType.Consumption:
                onHand = -q;
                break;
            case MovementType.SaleRefund:
                onHand = q;
                break;
            case MovementType.GoodsReceipt:
            case MovementType.TransferIn:
                onHand = q;
                // Goods that were announced leave "incoming"; an unannounced delivery does not drive it negative.
                incoming = -Math.Min(q, Math.Max(level.Incoming, 0));
                break;
            case MovementType.Incoming when q < 0 && movement.Reason == LossInTransit:
                incoming = -Math.Min(-q, Math.Max(level.Incoming, 0));
                break;
            case MovementType.Incoming:
                if (level.Incoming + q < 0)
                    return (null, new DomainError(ErrorCodes.InvalidState,
                        $"Only {level.Incoming} is incoming; {-q} cannot be withdrawn.", "quantity"));
                incoming = q;
                break;
            case MovementType.Correction:
                onHand = q;
                break;
            case MovementType.CountAdjustment:
                if (movement.ExpectedOnHand is { } expected && expected != level.OnHand)
                    return (null, new DomainError(ErrorCodes.StaleQuantity,
                        $"The count expected onHand {expected}, but it is {level.OnHand} now.", "expectedOnHand"));
                onHand = q - level.OnHand;
                break;
            case MovementType.Reserve:
                if (level.Available < q)
                    return (null, new DomainError(ErrorCodes.InsufficientStock,
                        $"Only {level.Available} is available; {q} cannot be reserved.", "quantity"));
                reserved = q;
                break;
            case MovementType.Release:
                if (level.Reserved < q)
                    return (null, new DomainError(ErrorCodes.InvalidState,
                        $"Only {level.Reserved} is reserved; {q} cannot be released.", "quantity"));
                reserved = -q;
                break;
            default:
                return (null, new DomainError(ErrorCodes.ValidationFailed, "Unknown movement type.", "type"));
        }

        var record = new StockMovementRecord(
            level.StoreId, level.Sku, level.Version + 1, movement.Id, movement.Type, q,
            onHand, reserved, incoming,
            level.OnHand + onHand, level.Reserved + reserved, level.Incoming + incoming,
            movement.OccurredAt ?? now, now, movement.Reason, movement.Document, Fingerprint(movement));
        return (record, null);
    }

    /// <summary>The level after a record: replay is the sum of the recorded deltas.</summary>
    public static StockLevel Replay(StockLevel level, StockMovementRecord record) =>
        level with
        {
            OnHand = level.OnHand + record.OnHandDelta,
            Reserved = level.Reserved + record.ReservedDelta,
            Incoming = level.Incoming + record.IncomingDelta,
            Version = record.Version,
        };

    /// <summary>What makes two movements with one id "the same request" (the client's clock excluded: a retry may restamp it).</summary>
    public static string Fingerprint(StockMovement m) => string.Join('|',
        m.Type.ToString(),
        m.Quantity.ToString("0.###", CultureInfo.InvariantCulture),
        m.ExpectedOnHand?.ToString("0.###", CultureInfo.InvariantCulture) ?? "",
        m.Reason ?? "",
        m.Document?.Kind ?? "",
        m.Document?.Id ?? "");

    /// <summary>A movement that crossed zero downwards: the pair has just gone negative.</summary>
    public static bool WentNegative(StockMovementRecord record) =>
        record.OnHandAfter < 0 && record.OnHandAfter - record.OnHandDelta >= 0;
}

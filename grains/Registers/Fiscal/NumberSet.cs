using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Retail.Registers.Fiscal;

/// <summary>A run of consecutive numbers, both ends included.</summary>
[GenerateSerializer, Immutable, Alias("FiscalNumberRange")]
public sealed record NumberRange(
    [property: Id(0)] long From,
    [property: Id(1)] long To)
{
    [JsonIgnore]
    public long Count => To - From + 1;
}

/// <summary>
/// A set of positive numbers kept as sorted, disjoint, non-adjacent ranges: the FD numbers an FN
/// has delivered stay a handful of ranges however many documents there are, with holes where
/// documents are missing.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalNumberSet")]
public sealed record NumberSet([property: Id(0)] ImmutableArray<NumberRange> Ranges)
{
    public static readonly NumberSet Empty = new(ImmutableArray<NumberRange>.Empty);

    /// <summary>Ranges in order; a set read back without its list is empty.</summary>
    private ImmutableArray<NumberRange> Items => Ranges.IsDefault ? [] : Ranges;

    [JsonIgnore]
    public long Count => Items.Sum(r => r.Count);

    [JsonIgnore]
    public long? Max => Items.IsEmpty ? null : Items[^1].To;

    [JsonIgnore]
    public long? Min => Items.IsEmpty ? null : Items[0].From;

    public bool Contains(long number)
    {
        var i = IndexOfFirstEndingAtOrAfter(number);
        return i < Items.Length && Items[i].From <= number;
    }

    public NumberSet Add(long number)
    {
        var items = Items;
        var i = IndexOfFirstEndingAtOrAfter(number);
        if (i < items.Length && items[i].From <= number)
            return this;
        var joinsPrevious = i > 0 && items[i - 1].To == number - 1;
        var joinsNext = i < items.Length && items[i].From == number + 1;
        return new NumberSet((joinsPrevious, joinsNext) switch
        {
            (true, true) => items.RemoveAt(i).SetItem(i - 1, new NumberRange(items[i - 1].From, items[i].To)),
            (true, false) => items.SetItem(i - 1, items[i - 1] with { To = number }),
            (false, true) => items.SetItem(i, items[i] with { From = number }),
            _ => items.Insert(i, new NumberRange(number, number)),
        });
    }

    /// <summary>How many members lie between <paramref name="from"/> and <paramref name="to"/>, both included.</summary>
    public long CountWithin(long from, long to)
    {
        long count = 0;
        foreach (var r in Items)
        {
            var low = Math.Max(r.From, from);
            var high = Math.Min(r.To, to);
            if (low <= high)
                count += high - low + 1;
        }
        return count;
    }

    public bool ContainsAll(long from, long to) => from > to || CountWithin(from, to) == to - from + 1;

    /// <summary>The runs of non-members between <paramref name="from"/> and <paramref name="to"/>, in order.</summary>
    public IEnumerable<NumberRange> MissingWithin(long from, long to)
    {
        var next = from;
        foreach (var r in Items)
        {
            if (r.To < next)
                continue;
            if (r.From > to)
                break;
            if (r.From > next)
                yield return new NumberRange(next, r.From - 1);
            next = r.To + 1;
        }
        if (next <= to)
            yield return new NumberRange(next, to);
    }

    private int IndexOfFirstEndingAtOrAfter(long number)
    {
        var items = Items;
        int low = 0, high = items.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (items[mid].To < number)
                low = mid + 1;
            else
                high = mid;
        }
        return low;
    }
}

using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class NumberSetTests
{
    private static NumberSet Of(params long[] numbers) => numbers.Aggregate(NumberSet.Empty, (set, n) => set.Add(n));

    [Fact]
    public void Numbers_added_in_any_order_merge_into_ranges()
    {
        var set = Of(5, 3, 9, 4, 10, 1, 8);

        Assert.Equal(new NumberRange[] { new(1, 1), new(3, 5), new(8, 10) }, set.Ranges);
        Assert.Equal(7, set.Count);
        Assert.Equal((1L, 10L), (set.Min, set.Max));
    }

    [Fact]
    public void A_number_that_fills_a_hole_joins_both_neighbours()
    {
        var set = Of(1, 2, 4, 5).Add(3);

        Assert.Equal(new NumberRange[] { new(1, 5) }, set.Ranges);
    }

    [Fact]
    public void Adding_a_member_again_changes_nothing()
    {
        var set = Of(1, 2, 3);

        Assert.Same(set, set.Add(2));
    }

    [Fact]
    public void Membership_counts_and_holes()
    {
        var set = Of(2, 3, 4, 7, 9);

        Assert.True(set.Contains(3));
        Assert.False(set.Contains(5));
        Assert.False(set.Contains(1));
        Assert.False(set.Contains(10));
        Assert.Equal(3, set.CountWithin(3, 8));
        Assert.True(set.ContainsAll(2, 4));
        Assert.False(set.ContainsAll(2, 7));
        Assert.Equal([new NumberRange(1, 1), new NumberRange(5, 6), new NumberRange(8, 8), new NumberRange(10, 11)], set.MissingWithin(1, 11));
        Assert.Empty(set.MissingWithin(2, 4));
    }

    [Fact]
    public void A_thousand_shuffled_numbers_with_three_left_out_leave_exactly_those_three()
    {
        var withheld = new[] { 17L, 500L, 999L };
        var numbers = Enumerable.Range(1, 1000).Select(n => (long)n).Except(withheld).OrderBy(_ => Random.Shared.Next()).ToArray();

        var set = Of(numbers);

        Assert.Equal(withheld, set.MissingWithin(1, 1000).SelectMany(r => Enumerable.Range((int)r.From, (int)r.Count)).Select(n => (long)n));
        Assert.Equal(4, set.Ranges.Length);
    }

    [Fact]
    public void A_set_read_back_without_its_list_is_empty()
    {
        var set = new NumberSet(default);

        Assert.Equal(0, set.Count);
        Assert.Null(set.Max);
        Assert.Equal([new NumberRange(1, 3)], set.MissingWithin(1, 3));
        Assert.Equal(new NumberRange[] { new(4, 4) }, set.Add(4).Ranges);
    }
}

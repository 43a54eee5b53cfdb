using Microsoft.Extensions.Logging;
using Retail.Catalog;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Documents;

/// <summary>
/// One online order. Creating it reserves every line in one journaled step (a line short refuses the
/// whole order, and nothing stays reserved); paying it is one receipt on the store's online register,
/// whose journaled step sells the lines and releases their reservation together; cancelling and the
/// expiry release it. The expiry is an Orleans reminder, registered before the reservation is journaled,
/// so no crash leaves a reservation that never expires.
/// </summary>
public sealed class OrderGrain(IRegisterJournal journal, JournaledStep step, TimeProvider clock, DocumentMetrics metrics,
    ILogger<OrderGrain> logger)
    : Grain, IOrderGrain, IRemindable
{
    public const string ExpiryReminder = "expiry";

    /// <summary>How often the reminder looks again once due (Orleans' shortest reminder period).</summary>
    private static readonly TimeSpan ExpiryCheck = TimeSpan.FromMinutes(1);

    private DocumentJournal<OrderState> document = null!;

    private string OrderId => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        document = new DocumentJournal<OrderState>(this.GetPrimaryKeyString(), journal, step, clock, logger);
        await document.LoadAsync();
        if (document.State is not null)
            await document.PublishAsync(this.GetStreamProvider(RetailSilo.StreamProvider));
    }

    public async Task<Outcome<OrderView>> CreateAsync(OrderRequest request)
    {
        if (Orders.Check(request) is { } invalid)
            return invalid;
        var fingerprint = Orders.Fingerprint(request);
        if (document.State is { } existing)
            return existing.Fingerprint == fingerprint
                ? Outcome<OrderView>.Ok(View(), replayed: true)
                : new DomainError(ErrorCodes.IdempotencyConflict, $"Order {OrderId} already exists with a different body.", "id");

        var (held, unknown) = await HeldAsync(request.Lines);
        if (unknown is not null)
            return unknown;
        var now = clock.GetUtcNow();
        var expiresAt = now.AddMinutes(request.ReserveMinutes);
        await this.RegisterOrUpdateReminder(ExpiryReminder, Until(expiresAt), ExpiryCheck);
        var next = new OrderState(request.StoreId, request.Lines, request.Customer, request.CrmDealId, now, expiresAt, OrderStatus.Reserved, fingerprint);
        if (await document.CommitAsync("reserve", next, Orders.Reservation(OrderId, request.StoreId, held!, now), [], DeactivateOnIdle) is { } refused)
        {
            await ForgetReminderAsync();
            return refused;
        }
        metrics.Transition("order", "created");
        return Outcome<OrderView>.Ok(View());
    }

    public async Task<Outcome<OrderView>> PayAsync(IReadOnlyList<PaymentInput> payments)
    {
        if (document.State is not { } state)
            return NotFound();
        if (state.Status is OrderStatus.Paid or OrderStatus.Refunded)
            return Outcome<OrderView>.Ok(View(), replayed: true);
        if (state.Status == OrderStatus.Reserved && clock.GetUtcNow() >= state.ExpiresAt)
        {
            if (await ExpireAsync() is { } failed)
                return failed;
            state = document.State!;
        }
        if (state.Status != OrderStatus.Reserved)
            return new DomainError(ErrorCodes.InvalidState, $"Order {OrderId} is {state.Status}; it can no longer be paid.", "status");

        var (register, noRegister) = await OnlineRegisterAsync(state.StoreId);
        if (noRegister is not null)
            return noRegister;
        var input = new ReceiptInput(Orders.PaymentReceiptId(OrderId), FiscalOperation.Sell,
            state.Lines.Select(l => new ReceiptItemInput(l.Sku, l.Quantity, l.Price)).ToList(), payments, state.Customer, ReservedByOrder: OrderId);
        var receipt = await OnlineRegisters.FiscalizeAsync(register!, input);
        if (receipt.Error is { } refused)
            return refused;
        return await PaidAsync(receipt.Value!);
    }

    public async Task<Outcome<OrderView>> CancelAsync()
    {
        if (document.State is not { } state)
            return NotFound();
        if (state.Status == OrderStatus.Canceled)
            return Outcome<OrderView>.Ok(View(), replayed: true);
        if (state.Status != OrderStatus.Reserved)
            return new DomainError(ErrorCodes.InvalidState, $"Order {OrderId} is {state.Status}; only a reserved order is cancelled (refund a paid one).", "status");
        return await ReleaseAsync(OrderStatus.Canceled);
    }

    public async Task<Outcome<OrderView>> RefundAsync(string refundId, IReadOnlyList<DocumentLine>? lines)
    {
        if (document.State is not { } state)
            return NotFound();
        if (state.Refunds?.FirstOrDefault(r => r.Id == refundId) is { } done)
            return lines is null || done.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).SequenceEqual(lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
                ? Outcome<OrderView>.Ok(View(), replayed: true)
                : new DomainError(ErrorCodes.IdempotencyConflict, $"Refund {refundId} of order {OrderId} was made with other lines.", "id");
        var (refunded, invalid) = Orders.Refundable(OrderId, state, lines);
        if (invalid is not null)
            return invalid;
        if (refunded!.Count == 0)
            return new DomainError(ErrorCodes.InvalidState, $"Order {OrderId} has nothing left to refund.", "lines");
        var (register, noRegister) = await OnlineRegisterAsync(state.StoreId);
        if (noRegister is not null)
            return noRegister;
        var total = Orders.Total(refunded);
        var input = new ReceiptInput(Orders.RefundReceiptId(OrderId, refundId), FiscalOperation.SellRefund,
            refunded.Select(l => new ReceiptItemInput(l.Sku, l.Quantity, l.Price)).ToList(), [new PaymentInput(PaymentType.Electronic, total)], state.Customer);
        var receipt = await OnlineRegisters.FiscalizeAsync(register!, input);
        if (receipt.Error is { } refused)
            return refused;
        var refund = new OrderRefundView(refundId, refunded.Select(l => new DocumentLine(l.Sku, l.Quantity)).ToList(), OrderReceipt.Of(receipt.Value!));
        if (await document.CommitAsync("refund", Orders.Refunded(state, refund, clock.GetUtcNow()), [], [], DeactivateOnIdle) is { } failed)
            return failed;
        metrics.Transition("order", "refunded");
        return Outcome<OrderView>.Ok(View());
    }

    public Task<OrderView?> GetAsync() => Task.FromResult(document.State is null ? null : View());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
            return;
        if (document.State is not { Status: OrderStatus.Reserved } state)
        {
            await ForgetReminderAsync();
            return;
        }
        if (clock.GetUtcNow() >= state.ExpiresAt && await ExpireAsync() is { } failed)
            logger.LogWarning("Order {OrderId} did not expire yet ({Code}); the reminder tries again", OrderId, failed.Code);
    }

    /// <summary>The reservation's time is up: released, unless the payment went through on the register without the order hearing of it.</summary>
    private async Task<DomainError?> ExpireAsync() => (await ReleaseAsync(OrderStatus.Expired)).Error;

    private async Task<Outcome<OrderView>> ReleaseAsync(string status)
    {
        var state = document.State!;
        // A payment whose answer was lost (the order died after the register journaled it): the order is paid, not released.
        var (register, _) = await OnlineRegisterAsync(state.StoreId);
        if (register is not null && await register.GetReceiptAsync(Orders.PaymentReceiptId(OrderId)) is { } receipt)
            return await PaidAsync(receipt);
        var (held, unknown) = await HeldAsync(state.Lines);
        if (unknown is not null)
            return unknown;
        var now = clock.GetUtcNow();
        var events = status == OrderStatus.Expired
            ? [document.Event(DocumentEvents.OrderExpired, state.StoreId, new { orderId = OrderId, state.StoreId, state.CrmDealId, state.ExpiresAt })]
            : Array.Empty<DocumentEvent>();
        if (await document.CommitAsync(status, state with { Status = status, ClosedAt = now }, Orders.Release(OrderId, state.StoreId, held!, now), events, DeactivateOnIdle) is { } failed)
            return failed;
        metrics.Transition("order", status);
        await ForgetReminderAsync();
        await document.PublishAsync(this.GetStreamProvider(RetailSilo.StreamProvider));
        return Outcome<OrderView>.Ok(View());
    }

    private async Task<Outcome<OrderView>> PaidAsync(ReceiptDocument receipt)
    {
        var state = document.State!;
        var paid = OrderReceipt.Of(receipt);
        var paidEvent = document.Event(DocumentEvents.OrderPaid, state.StoreId,
            new { orderId = OrderId, state.StoreId, state.CrmDealId, total = receipt.Total, receipt = paid });
        if (await document.CommitAsync("pay", state with { Status = OrderStatus.Paid, Receipt = paid, ClosedAt = receipt.DateTime }, [], [paidEvent], DeactivateOnIdle) is { } failed)
            return failed;
        metrics.Transition("order", OrderStatus.Paid);
        await ForgetReminderAsync();
        await document.PublishAsync(this.GetStreamProvider(RetailSilo.StreamProvider));
        return Outcome<OrderView>.Ok(View());
    }

    private async Task<(IRegisterGrain? Register, DomainError? Error)> OnlineRegisterAsync(string storeId)
    {
        var store = await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(storeId)).GetAsync();
        if (store?.OnlineRegisterId is not { } registerId)
            return (null, new DomainError(ErrorCodes.InvalidState, $"Store {storeId} names no online register (onlineRegisterId); it cannot fiscalize orders."));
        var register = GrainFactory.Get<IRegisterGrain>(GrainKeys.Register(registerId));
        var view = await register.GetAsync();
        if (view is null || view.StoreId != storeId || view.Mode != RegisterModes.Emulated)
            return (null, new DomainError(ErrorCodes.InvalidState, $"The online register {registerId} of store {storeId} is not an emulated register of that store."));
        return (register, null);
    }

    private async Task<(IReadOnlyList<DocumentLine>? Held, DomainError? Error)> HeldAsync(IReadOnlyList<OrderLine> lines)
    {
        var codes = lines.Select(l => l.Sku).ToList();
        var definitions = await Task.WhenAll(codes.Select(code => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync()));
        var skus = new Dictionary<string, Sku>(StringComparer.Ordinal);
        for (var i = 0; i < codes.Count; i++)
        {
            if (definitions[i] is not { } sku)
                return (null, new DomainError(ErrorCodes.UnknownSku, $"SKU {codes[i]} is not known.", $"lines[{i}].sku"));
            skus[codes[i]] = sku;
        }
        return (Orders.Held(lines.Select(l => (l.Sku, l.Quantity)), skus), null);
    }

    private TimeSpan Until(DateTimeOffset at) => at - clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    private async Task ForgetReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ExpiryReminder) is { } reminder)
                await this.UnregisterReminder(reminder);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The next tick finds nothing reserved and tries again.
            logger.LogWarning(error, "Order {OrderId}: its expiry reminder stays until the next tick", OrderId);
        }
    }

    private DomainError NotFound() => new(ErrorCodes.NotFound, $"Order {OrderId} does not exist.");

    private OrderView View() => Orders.View(OrderId, document.State!);
}

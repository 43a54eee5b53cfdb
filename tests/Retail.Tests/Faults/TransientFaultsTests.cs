using System.Net.Sockets;
using Npgsql;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Retail.Common;
using Retail.Faults;

namespace Retail.Tests.Faults;

public sealed class TransientFaultsTests
{
    private static PostgresException Postgres(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);

    public static TheoryData<Exception> Transient() =>
    [
        new SiloUnavailableException("The target silo became unavailable"),
        new ConnectionFailedException("There are no available gateways."),
        new OrleansException("Could not find any gateway in 'AdoNet'."),
        new OrleansException("Trying to register register/register/s2-r2 on invalid silo: S127.0.0.1:33271:155317758. Known status: Dead"),
        new TimeoutException("Response did not arrive on time in 00:00:05"),
        new OperationCanceledException(),
        new CodecNotFoundException("Could not find a codec for type Npgsql.NpgsqlException."),
        new DependencyUnavailableException(),
        new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)),
        new NpgsqlException("The connection pool has been exhausted", new TimeoutException()),
        Postgres("57P01"), // admin_shutdown
        Postgres("57P03"), // cannot_connect_now
        Postgres("08006"), // connection_failure
        Postgres("53300"), // too_many_connections
        Postgres("40001"), // serialization_failure
        new AggregateException(new InvalidOperationException("first"), new SiloUnavailableException()),
        new InvalidOperationException("wrapped", Postgres("57P01")),
    ];

    public static TheoryData<Exception> Bugs() =>
    [
        new InvalidOperationException("Sequence contains no elements"),
        new NullReferenceException(),
        new ArgumentException("bad"),
        new OrleansException("Failed to get a local IP address."),
        new NpgsqlException("Received unexpected backend message"),
        Postgres("23505"), // unique_violation
        Postgres("42P01"), // undefined_table
        Postgres("42601"), // syntax_error
        new FileNotFoundException("schema.sql"),
    ];

    [Theory]
    [MemberData(nameof(Transient))]
    public void Cluster_and_database_outages_are_transient(Exception error) => Assert.True(TransientFaults.IsTransient(error), error.ToString());

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Bugs_and_refused_statements_are_not(Exception error) => Assert.False(TransientFaults.IsTransient(error), error.ToString());

    [Theory]
    [InlineData("57P01", true)]
    [InlineData("08001", true)]
    [InlineData("58030", true)]
    [InlineData("40P01", true)]
    [InlineData("23503", false)]
    [InlineData("22P02", false)]
    [InlineData(null, false)]
    [InlineData("57", false)]
    public void Sql_states_by_class_and_code(string? sqlState, bool transient) =>
        Assert.Equal(transient, TransientFaults.IsTransientSqlState(sqlState));

    private static bool AllHaveCodecs(Type type) => true;

    private static bool NpgsqlHasNone(Type type) => type.Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) != true;

    [Fact]
    public void A_transient_database_fault_leaves_the_silo_as_dependency_unavailable_without_the_original()
    {
        var replacement = TransientFaults.ForTheWire(
            new NpgsqlException("Exception while reading from stream", new IOException("reset")), NpgsqlHasNone);

        var unavailable = Assert.IsType<DependencyUnavailableException>(replacement);
        Assert.Null(unavailable.InnerException);
        Assert.Contains("reading from stream", unavailable.Message);
    }

    [Fact]
    public void A_refused_statement_leaves_as_a_plain_bug_with_its_sql_state()
    {
        var replacement = TransientFaults.ForTheWire(Postgres("23505"), NpgsqlHasNone);

        var bug = Assert.IsType<InvalidOperationException>(replacement);
        Assert.Null(bug.InnerException);
        Assert.Contains("23505", bug.Message);
    }

    [Fact]
    public void A_socket_fault_is_replaced_even_though_it_could_be_serialized()
    {
        var replacement = TransientFaults.ForTheWire(new SocketException((int)SocketError.ConnectionReset), AllHaveCodecs);

        Assert.IsType<DependencyUnavailableException>(replacement);
    }

    [Fact]
    public void Serializable_exceptions_cross_as_they_are_and_others_are_replaced_by_a_plain_one()
    {
        Assert.Null(TransientFaults.ForTheWire(new InvalidOperationException("a bug"), AllHaveCodecs));
        Assert.Null(TransientFaults.ForTheWire(new DependencyUnavailableException(), AllHaveCodecs));

        var replacement = TransientFaults.ForTheWire(new InvalidOperationException("outer", new UnknownThirdPartyException()), type => type != typeof(UnknownThirdPartyException));

        var plain = Assert.IsType<InvalidOperationException>(replacement);
        Assert.Null(plain.InnerException);
        Assert.Contains(nameof(UnknownThirdPartyException), plain.Message);
    }

    private sealed class UnknownThirdPartyException : Exception;
}

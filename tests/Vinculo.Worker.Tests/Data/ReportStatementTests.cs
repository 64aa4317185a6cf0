using Microsoft.Extensions.DependencyInjection;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Vinculo.Hosting;
using Vinculo.Reporting;

namespace Vinculo.Data;

/// <summary>
/// The T-SQL of <see cref="ReportStore"/> parsed with Microsoft's parser, as <c>SqlServerStatementTests</c> does for every
/// registered store (it covers this one too once <c>AddVinculoReporting</c> is wired into the host).
/// </summary>
public sealed class ReportStatementTests
{
    private const string FakeConnectionString = "Server=sqlserver.invalid;Database=vinculo;User Id=vinculo;Password=not-used;TrustServerCertificate=true";

    [Fact]
    public void EveryReportStatement_ParsesAsTSql_AndIsRegistered()
    {
        var builder = VinculoHost.CreateBuilder(["--Database:Provider=SqlServer", $"--Database:ConnectionString={FakeConnectionString}"], Path.GetTempPath());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddVinculoReporting();
        builder.AddVinculoReporting();
        using var host = builder.Build();

        var store = Assert.Single(host.Services.GetServices<ISqlStatements>().OfType<ReportStore>());
        var statements = store.Statements.ToList();
        Assert.Equal(11, statements.Count);
        Assert.Contains(statements, s => s.Contains("TOP (@limit)", StringComparison.Ordinal));
        foreach (var sql in statements)
        {
            var parser = new TSql170Parser(true);
            using var reader = new StringReader(sql);
            parser.Parse(reader, out var errors);
            Assert.True(errors.Count == 0, $"{string.Join("; ", errors.Select(e => e.Message))}\n{sql}");
        }
    }
}

using Dapper;

namespace Vinculo.Data;

/// <summary>What the dialects answer for the code outside <c>Data/</c>, which asks them instead of testing for an engine.</summary>
public sealed class DialectCapabilityTests
{
    private const string Server = "Host=db.example;Database=vinculo;Username=app";

    [Fact]
    public void TheEmbeddedDefault_NeedsNoConnectionString_TheServersDo()
    {
        Assert.Equal(DatabaseProvider.Sqlite, SqlDialect.DefaultProvider);
        Assert.Equal("Data Source=data/vinculo.db", SqlDialect.DefaultConnectionString(DatabaseProvider.Sqlite));
        Assert.False(SqlDialect.NeedsConnectionString(DatabaseProvider.Sqlite));
        Assert.True(SqlDialect.NeedsConnectionString(DatabaseProvider.Postgres));
        Assert.True(SqlDialect.NeedsConnectionString(DatabaseProvider.SqlServer));
    }

    [Fact]
    public void OnlyTheServers_CanCluster()
    {
        Assert.Equal([DatabaseProvider.Postgres, DatabaseProvider.SqlServer], SqlDialect.ClusterCapable);
    }

    [Theory]
    [InlineData("Host=db.example;Database=vinculo;Username=app;Password=secret", DatabaseProvider.Postgres)]
    [InlineData("Server=db.example;Database=vinculo;User Id=app;Password=secret;TrustServerCertificate=true", DatabaseProvider.SqlServer)]
    public void DescribeTarget_NeverShowsThePassword(string connectionString, DatabaseProvider provider)
    {
        var target = SqlDialect.Create(provider, connectionString, Path.GetTempPath()).DescribeTarget();

        Assert.Contains("vinculo", target, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", target, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnEmbeddedDatabase_IsDeletedWithItsJournalAndLocks()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-dialect-").FullName;
        try
        {
            var path = Path.Combine(root, "data", "own.db");
            var dialect = SqlDialect.ForFile(path);
            await using (var connection = dialect.CreateConnection())
            {
                await connection.OpenAsync();
                await dialect.PrepareAsync(connection, CancellationToken.None);
                await connection.ExecuteAsync("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
            }

            Directory.CreateDirectory(path + ".locks");
            // The pooled connection keeps the write-ahead log and its shared memory beside the file.
            Assert.All(new[] { path, path + "-wal", path + "-shm" }, file => Assert.True(File.Exists(file), file));

            Assert.True(dialect.DeleteDatabaseFiles());

            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "data")));
            Assert.True(SqlDialect.ForFile(path).DeleteDatabaseFiles(), "deleting what is already gone is no error");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AServerDatabase_IsNeverDroppedAsFiles()
    {
        Assert.False(SqlDialect.Create(DatabaseProvider.Postgres, Server, Path.GetTempPath()).DeleteDatabaseFiles());
    }
}

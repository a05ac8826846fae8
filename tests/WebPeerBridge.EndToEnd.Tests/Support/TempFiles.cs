namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>Rendezvous history files (SQLite) of one test, in the temp folder.</summary>
public static class TempFiles
{
    public static string NewHistoryPath() => Path.Combine(Path.GetTempPath(), $"wpb-e2e-{Guid.NewGuid():N}.db");

    /// <summary>Deletes the database and SQLite's side files.</summary>
    public static void DeleteHistory(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }
    }
}

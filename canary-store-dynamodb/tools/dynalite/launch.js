'use strict'
// Starts dynalite in memory on 127.0.0.1 and a free port (tables become ACTIVE at once), prints
// "DYNALITE_PORT=<port>", and exits as soon as its stdin closes: the JVM that started it keeps stdin open, so the
// server ends with that JVM however the JVM ends (normally, on a test failure, or killed).
const dynalite = require('dynalite')

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('DYNALITE_PORT=' + server.address().port + '\n')
})
server.on('error', (err) => {
  process.stderr.write('dynalite failed: ' + err.message + '\n')
  process.exit(1)
})
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()

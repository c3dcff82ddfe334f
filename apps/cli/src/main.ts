console.log("sentiment cli: not built yet");
